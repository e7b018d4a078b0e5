import numpy as np
import pytest

from dlcourse import _validation as v


def test_check_int():
    assert v.check_int("k", np.int64(4), minimum=2) == 4
    with pytest.raises(TypeError, match=r"k must be an int; received k=True of type bool"):
        v.check_int("k", True)
    with pytest.raises(ValueError, match=r"k must be >= 2; received k=1"):
        v.check_int("k", 1, minimum=2)
    with pytest.raises(ValueError, match=r"k must be <= 5; received k=6"):
        v.check_int("k", 6, maximum=5)


def test_check_float_and_rate():
    assert v.check_rate("dropout_rate", 0.5) == 0.5
    with pytest.raises(ValueError, match=r"dropout_rate must be < 1.0; received dropout_rate=1.0"):
        v.check_rate("dropout_rate", 1)
    with pytest.raises(ValueError, match=r"dropout_rate must be >= 0.0"):
        v.check_rate("dropout_rate", -0.1)
    with pytest.raises(TypeError, match=r"learning_rate must be a number; received learning_rate='0.1'"):
        v.check_float("learning_rate", "0.1")
    with pytest.raises(ValueError, match=r"learning_rate must be > 0.0"):
        v.check_float("learning_rate", 0.0, minimum=0.0, min_inclusive=False)


def test_check_choice_and_bool():
    assert v.check_choice("padding", "same", ("valid", "same")) == "same"
    with pytest.raises(ValueError, match=r"padding must be one of 'valid', 'same'; received padding='full'"):
        v.check_choice("padding", "full", ("valid", "same"))
    with pytest.raises(TypeError, match="batch_norm must be a bool"):
        v.check_bool("batch_norm", 1)


def test_check_shape():
    assert v.check_shape("input_shape", [28, 28, 1], ndim=3) == (28, 28, 1)
    assert v.check_shape("input_shape", (None, 3)) == (None, 3)
    with pytest.raises(TypeError, match="input_shape must be a tuple of ints"):
        v.check_shape("input_shape", 28)
    with pytest.raises(ValueError, match="input_shape must hold positive ints"):
        v.check_shape("input_shape", (28, 0))
    with pytest.raises(ValueError, match=r"input_shape must have 3 axes; received input_shape=\(28, 28\) with 2"):
        v.check_shape("input_shape", (28, 28), ndim=3)


def test_check_int_sequence():
    assert v.check_int_sequence("units", 16) == (16,)
    assert v.check_int_sequence("units", [16, 8]) == (16, 8)
    with pytest.raises(ValueError, match=r"every entry of units must be >= 1"):
        v.check_int_sequence("units", (16, 0))
    with pytest.raises(TypeError, match="units must hold ints"):
        v.check_int_sequence("units", (16, 2.5))
    with pytest.raises(ValueError, match="units must not be empty"):
        v.check_int_sequence("units", (), allow_empty=False)
    with pytest.raises(TypeError, match="units must be a sequence of ints"):
        v.check_int_sequence("units", "16")
