"""Tests of dlcourse.environment: versions, devices and the notebook setup cell."""

import platform

import keras
import numpy as np
import pytest
import sklearn
import tensorflow as tf

import dlcourse
from dlcourse import environment


def test_versions_are_the_imported_ones():
    found = environment.versions()
    assert list(found) == ["python", "tensorflow", "keras", "keras_tuner", "scikit-learn", "numpy", "dlcourse"]
    assert found["python"] == platform.python_version()
    assert found["tensorflow"] == tf.__version__ and found["keras"] == keras.__version__
    assert found["scikit-learn"] == sklearn.__version__ and found["dlcourse"] == dlcourse.__version__
    assert found["keras_tuner"]
    line = environment.format_versions(found)
    assert line.startswith(f"dlcourse {dlcourse.__version__} | Python ") and f"Keras {keras.__version__}" in line


def test_versions_names_a_missing_library(monkeypatch):
    real_import = environment.importlib.import_module

    def fake_import(name):
        if name == "keras_tuner":
            raise ImportError("no keras_tuner")
        return real_import(name)

    monkeypatch.setattr(environment.importlib, "import_module", fake_import)
    found = environment.versions()
    assert found["keras_tuner"] is None
    assert "keras-tuner not installed" in environment.format_versions(found)


def test_devices_lists_the_cpu():
    found = environment.devices()
    assert any(d["type"] == "CPU" for d in found)
    assert all(set(d) == {"name", "type", "description"} for d in found)


def test_format_devices_says_when_there_is_no_gpu():
    cpu = [{"name": "/physical_device:CPU:0", "type": "CPU", "description": ""}]
    assert environment.format_devices(cpu) == "CPU:0 - no GPU: training runs on the CPU"
    gpu = cpu + [{"name": "/physical_device:GPU:0", "type": "GPU", "description": "NVIDIA H100"}]
    assert environment.format_devices(gpu) == "CPU:0, GPU:0 (NVIDIA H100)"


def test_setup_seeds_prints_and_returns_the_facts(monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    info = environment.setup(7)
    first = np.random.rand(3)
    environment.setup(7)
    np.testing.assert_array_equal(first, np.random.rand(3))
    out = capsys.readouterr().out
    assert "Seed: 7 (deterministic ops off)" in out and "Devices:" in out and f"Keras {keras.__version__}" in out
    assert "QUICK MODE is on (DLCOURSE_QUICK=1)" in out and "NOT the course's results" in out
    assert info["seed"] == 7 and info["mode"] == "quick" and info["quick"] is True
    assert info["deterministic"] is False and info["versions"]["dlcourse"] == dlcourse.__version__
    assert info["devices"] and info["keras_home"] == str(dlcourse.config.keras_home())


def test_setup_in_full_mode_with_determinism(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(True))
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    info = environment.setup(deterministic=True)
    assert calls == [True] and info["seed"] == 42 and info["mode"] == "full"
    out = capsys.readouterr().out
    assert "Full mode: the real data" in out and "deterministic ops on" in out


def test_setup_validates_before_printing(monkeypatch, capsys):
    with pytest.raises(ValueError, match="seed must be >= 0; received seed=-1"):
        environment.setup(-1)
    with pytest.raises(TypeError, match="seed must be an int; received seed='42'"):
        environment.setup("42")
    with pytest.raises(TypeError, match="deterministic must be a bool; received deterministic='yes'"):
        environment.setup(deterministic="yes")
    monkeypatch.setenv("DLCOURSE_QUICK", "ture")
    with pytest.raises(ValueError, match="DLCOURSE_QUICK must be one of"):
        environment.setup()
    assert capsys.readouterr().out == ""
