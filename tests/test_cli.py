"""Tests of the command line: `python -m dlcourse fetch | doctor`, help texts and exit codes."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import keras  # noqa: F401  (imported here with the real KERAS_HOME, as a notebook would)
import pytest

from dlcourse import cli
from dlcourse.data import cache, registry

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def offline_empty_home(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known (network disabled by the test)")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


def test_exit_codes_are_documented():
    assert (cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE) == (0, 1, 2)
    assert "0 all good, 1 something missing or failed, 2 usage error" in cli.build_parser().format_help()


@pytest.mark.parametrize("argv, words", [
    (["--help"], ["fetch", "doctor", "run", "results", "exit codes"]),
    (["fetch", "--help"], ["--all", "--list", "--force", "imdb_reviews", "vgg16_imagenet"]),
    (["doctor", "--help"], ["/tmp/.keras", "writable"]),
])
def test_help_exits_0(argv, words, capsys):
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out


@pytest.mark.parametrize("argv, message", [
    ([], "usage:"),
    (["bogus"], "invalid choice"),
    (["fetch"], "give one or more names or --all"),
    (["fetch", "imdb"], "unknown name(s) imdb; known: imdb_reviews"),
    (["fetch", "--all", "mnist"], "give names or --all, not both"),
    (["fetch", "--bogus"], "unrecognized arguments"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.out + captured.err


def test_fetch_verifies_cached_files_and_exits_0(capsys):
    assert cli.main(["fetch", "boston_housing", "imagenet_class_index"]) == 0
    out = capsys.readouterr().out
    assert "[ok] boston_housing: sha256 (Keras)" in out and "2 of 2 fetched and verified" in out


def test_fetch_list_shows_every_name(capsys):
    assert cli.main(["fetch", "--list"]) == 0
    out = capsys.readouterr().out
    for name in registry.names():
        assert name in out


def test_fetch_offline_into_an_empty_cache_exits_1(offline_empty_home, capsys):
    assert cli.main(["fetch", "boston_housing", "reuters21578"]) == 1
    out = capsys.readouterr().out
    assert "[FAILED] boston_housing:" in out and "`python -m dlcourse fetch boston_housing`" in out
    assert "0 of 2 fetched and verified; failed: boston_housing, reuters21578" in out
    assert "Traceback" not in out


def test_doctor_reports_an_empty_cache_and_exits_1(offline_empty_home, capsys):
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    for text in ("TensorFlow", "Keras", "keras-tuner", "scikit-learn", "dlcourse", "Devices:", "Mode:",
                 f"Keras home: {offline_empty_home}", "writable: yes", "MISSING", "missing (optional)"):
        assert text in out
    assert "doctor: something the course needs is missing or wrong" in out


def test_doctor_exits_0_when_everything_required_is_cached(monkeypatch, capsys):
    monkeypatch.delenv("DLCOURSE_QUICK", raising=False)
    monkeypatch.setattr(cache, "cache_status", lambda name: cache.CacheStatus(name, name != "mnist", "checked"))
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "doctor: all good" in out and "Full mode" in out


def test_doctor_flags_an_unwritable_keras_home_and_a_bad_mode(monkeypatch, capsys):
    monkeypatch.setattr(cache, "cache_status", lambda name: cache.CacheStatus(name, True, "checked"))
    monkeypatch.setattr(cache, "is_writable", lambda folder: False)
    monkeypatch.setenv("DLCOURSE_QUICK", "ture")
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert f"writable: NO - Keras silently uses {cache.FALLBACK_HOME} instead" in out
    assert "Mode: PROBLEM: DLCOURSE_QUICK must be one of" in out


def test_doctor_shows_quick_mode(monkeypatch, capsys):
    monkeypatch.setattr(cache, "cache_status", lambda name: cache.CacheStatus(name, True, "checked"))
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    assert cli.main(["doctor"]) == 0
    assert "QUICK MODE is on" in capsys.readouterr().out


def test_python_dash_m_dlcourse_help_in_a_subprocess():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "dlcourse", "--help"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "usage: python -m dlcourse" in result.stdout and "fetch" in result.stdout
    result = subprocess.run([sys.executable, "-m", "dlcourse", "fetch", "nothing"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 2 and "unknown name(s) nothing" in result.stderr


def test_doctor_in_a_subprocess_prints_no_tensorflow_start_up_noise(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env.update(PYTHONPATH=str(ROOT), KERAS_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "dlcourse", "doctor"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 1 and "doctor: something the course needs is missing" in result.stdout
    assert result.stdout.count("Devices: ") == 1
    for noise in ("cuInit", "oneDNN custom operations", "absl::InitializeLog", "cuda drivers"):
        assert noise not in result.stderr
