"""Shared test setup: every test writes into a temporary build folder, never into the repo."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(autouse=True)
def _tmp_build_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_BUILD_DIR", str(tmp_path / "build"))
    yield
