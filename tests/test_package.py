"""The package's public surface: every exported name resolves, and importing is cheap."""

import subprocess
import sys

import pytest

import dlcourse


@pytest.mark.parametrize("name", dlcourse.__all__)
def test_every_public_name_resolves(name):
    value = getattr(dlcourse, name)
    assert value is not None
    if callable(value):  # documented in the package's Google style
        assert value.__doc__, f"{name} has no docstring"
        assert "Args:" in value.__doc__ or "Returns:" in value.__doc__ or "Attributes:" in value.__doc__, name


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="module 'dlcourse' has no attribute 'build_mlp'"):
        dlcourse.build_mlp


def test_import_is_lazy_and_writes_nothing(tmp_path):
    # A fresh interpreter: importing dlcourse must not import TensorFlow or write files.
    code = "import sys, dlcourse; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert list(tmp_path.iterdir()) == []
