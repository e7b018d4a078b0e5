"""Shared test setup: every test writes into a temporary build folder, never into the repo."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The wrong submissions in tests/assignments/ are graded by test_assignments.py, not run by nbval.
collect_ignore = ["assignments"]


@pytest.fixture(autouse=True)
def _tmp_build_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_BUILD_DIR", str(tmp_path / "build"))
    yield


# Untrained ImageNet bases (weights=None: no download), shared by the pretrained and transfer tests.
@pytest.fixture(scope="module")
def mobilenet():
    from dlcourse.models.pretrained import pretrained_base

    return pretrained_base("mobilenet_v2", input_shape=(96, 96, 3), weights=None)


@pytest.fixture(scope="module")
def vgg():
    from dlcourse.models.pretrained import pretrained_base

    return pretrained_base("vgg16", input_shape=(32, 32, 3), weights=None)
