"""Tests of dlcourse.environment: the notebook setup cell and the summary doctor prints."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import sklearn
import tensorflow as tf

import dlcourse
from dlcourse import environment

ROOT = Path(__file__).resolve().parents[1]


def test_setup_seeds_prints_and_returns_the_facts(monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    info = environment.setup(7)
    first = np.random.rand(3)
    environment.setup(7)
    np.testing.assert_array_equal(first, np.random.rand(3))
    out = capsys.readouterr().out
    assert "Seed: 7 (deterministic ops off)" in out and "Devices:" in out and f"Keras {keras.__version__}" in out
    assert "Mode: QUICK MODE is on (DLCOURSE_QUICK=1)" in out and "NOT the course's results" in out
    assert info["seed"] == 7 and info["mode"] == "quick" and info["quick"] is True
    assert info["deterministic"] is False and info["keras_home"] == str(dlcourse.config.keras_home())
    found = info["versions"]
    assert list(found) == ["python", "tensorflow", "keras", "keras_tuner", "scikit-learn", "numpy", "dlcourse"]
    assert found["python"] == platform.python_version() and found["dlcourse"] == dlcourse.__version__
    assert found["tensorflow"] == tf.__version__ and found["keras"] == keras.__version__
    assert found["scikit-learn"] == sklearn.__version__ and found["keras_tuner"]
    assert any(d["type"] == "CPU" for d in info["devices"])
    assert all(set(d) == {"name", "type", "description"} for d in info["devices"])
    assert out.startswith(f"dlcourse {dlcourse.__version__} | Python {platform.python_version()} | TensorFlow ")


def test_setup_in_full_mode_with_determinism(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(True))
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    info = environment.setup(deterministic=True)
    assert calls == [True] and info["seed"] == 42 and info["mode"] == "full"
    out = capsys.readouterr().out
    assert "Mode: Full mode: the real data" in out and "deterministic ops on" in out


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


def test_summary_names_a_missing_library_a_bad_mode_and_no_gpu(monkeypatch):
    real_import = environment.importlib.import_module

    def fake_import(name):
        if name == "keras_tuner":
            raise ImportError("no keras_tuner")
        return real_import(name)

    monkeypatch.setattr(environment.importlib, "import_module", fake_import)
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda: [tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")])
    monkeypatch.setenv("DLCOURSE_QUICK", "ture")
    versions, devices, mode = environment.environment_summary().splitlines()
    assert "| keras-tuner not installed |" in versions
    assert devices == "Devices: CPU:0 - no GPU: training runs on the CPU"
    assert mode.startswith("Mode: PROBLEM: DLCOURSE_QUICK must be one of")


def test_setup_in_a_fresh_process_prints_no_tensorflow_start_up_noise(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env.update(PYTHONPATH=str(ROOT), DLCOURSE_QUICK="1")
    code = "import dlcourse; dlcourse.setup(); import sys; print('a real warning', file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Seed: 42") == 1 and result.stdout.count("Devices: ") == 1
    for noise in ("cuInit", "oneDNN custom operations", "absl::InitializeLog", "cuda drivers"):
        assert noise not in result.stderr
    assert result.stderr.strip() == "a real warning"
