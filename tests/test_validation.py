import numpy as np
import pytest

from dlcourse import validation as v


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


# --- arrays of samples and targets --------------------------------------------------------------


def test_as_samples_and_check_xy():
    x, y = v.check_xy([[1, 2], [3, 4]], [0, 1])
    assert isinstance(x, np.ndarray) and x.shape == (2, 2) and y.tolist() == [0, 1]
    with pytest.raises(TypeError, match=r"x must be a NumPy array .*received x=3 of type int"):
        v.check_xy(3, [0])
    with pytest.raises(ValueError, match=r"y must have a first axis of samples; received a scalar"):
        v.check_xy([1, 2], np.array(0))
    with pytest.raises(ValueError, match=r"x and y must have the same number of samples; received len\(x\)=2 and len\(y\)=3"):
        v.check_xy([1, 2], [0, 1, 0])
    with pytest.raises(ValueError, match=r"x must hold at least 2 samples; received len\(x\)=1"):
        v.check_xy([1], [0])


def test_stratify_labels_and_class_counts():
    assert v.stratify_labels(np.array([[0, 1], [1, 0]])).tolist() == [1, 0]
    assert v.stratify_labels(np.array([[2], [0]])).tolist() == [2, 0]
    with pytest.raises(ValueError, match=r"stratify=True needs class labels: .*rows are not one-hot"):
        v.stratify_labels(np.array([[1, 1], [0, 1]]))
    with pytest.raises(ValueError, match=r"values look 'continuous'"):
        v.stratify_labels(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match=r"received y with shape \(2, 2, 2\)"):
        v.stratify_labels(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"stratified=True needs at least k=3 samples of every class; received class 1 with only 1"):
        v.check_class_counts(np.array([0, 0, 0, 1]), 3, argument="stratified", needed_for="k=3")


def test_check_finite():
    v.check_finite("x", np.arange(3))  # integers are always finite
    v.check_finite("x", np.array([0.5, 1.0], dtype="float16"))
    with pytest.raises(ValueError, match=r"x must hold finite numbers; received x with 2 NaN or infinite value\(s\), the first at index \(1, 0\) \(nan\)"):
        v.check_finite("x", np.array([[1.0, 2.0], [np.nan, np.inf]]))


def test_check_input_fits():
    import keras

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()], name="net")
    v.check_input_fits(model, np.zeros((2, 28, 28, 1)))
    with pytest.raises(ValueError, match=r"x must hold samples of shape \(28, 28, 1\) to fit model 'net'; received x with shape \(2, 28, 28\)"):
        v.check_input_fits(model, np.zeros((2, 28, 28)))
    free = keras.Sequential([keras.Input((None, 3)), keras.layers.Dense(1)])
    v.check_input_fits(free, np.zeros((2, 7, 3)))  # a free axis takes any length


@pytest.mark.parametrize(
    ("y", "task", "units", "match"),
    [
        (np.array(["a", "b"]), "binary", 1, r"y must hold numbers for task='binary'; received y of dtype <U1"),
        (np.array([0.0, np.nan]), "regression", 1, r"y must hold finite numbers"),
        (np.array([0, 1, 2]), "binary", 1, r"y must hold the labels 0 and 1 for task='binary'; received y with values \[0, 1, 2\]"),
        (np.zeros((3, 2)), "binary", 1, r"y must hold the labels 0 and 1 for task='binary'; received y with shape \(3, 2\)"),
        (np.array([[1, 0, 0], [1, 1, 0]]), "multiclass", 3, r"y of shape \(2, 3\) must hold one-hot rows"),
        (np.zeros((2, 2, 3)), "multiclass", 3, r"y must hold class indices of shape \(n,\) or one-hot rows of shape \(n, 3\)"),
        (np.array([0, 3]), "multiclass", 3, r"y must hold class indices 0..2 for a model with 3 output units; received y with values \[0, 3\]"),
        (np.array([0.5, 1.0]), "multiclass", 3, r"y must hold class indices 0..2"),
        (np.array([[0, 2, 1]]), "multilabel", 3, r"y must hold multi-hot rows of 0 and 1 with shape \(n, 3\)"),
        (np.array([[0, 1]]), "multilabel", 3, r"y must hold multi-hot rows .*received y with shape \(1, 2\)"),
        (np.array([0.5, 1.5]), "regression_unit", 1, r"y must hold targets in \[0, 1\] .*received y from 0.5 to 1.5"),
    ],
)
def test_check_targets_rejects(y, task, units, match):
    with pytest.raises(ValueError, match=match):
        v.check_targets(y, task, units)


def test_check_targets_accepts():
    assert v.check_targets(np.array([[0], [1]]), "binary", 1) is False
    assert v.check_targets(np.array([0, 2, 1]), "multiclass", 3) is False
    assert v.check_targets(np.eye(3)[[0, 2]], "multiclass", 3) is True
    assert v.check_targets(np.array([[0, 1, 1]]), "multilabel", 3) is False
    assert v.check_targets(np.array([0.2, 1.0]), "regression_unit", 1) is False
    assert v.check_targets(np.array([-5.0, 1e6]), "regression", 1) is False


# --- model-building arguments -------------------------------------------------------------------


def test_model_argument_checks():
    import keras

    assert v.check_name("name", "net") == "net" and v.check_name("name", None, optional=True) is None
    with pytest.raises(TypeError, match=r"name must be a non-empty str; received name=''"):
        v.check_name("name", "")
    assert v.check_activation("activation", "relu") == "relu" and v.check_activation("activation", None, optional=True) is None
    with pytest.raises(ValueError, match=r"activation must be a Keras activation name .*received activation='rel'"):
        v.check_activation("activation", "rel")
    with pytest.raises(TypeError, match=r"activation must be an activation name such as 'relu' or a callable; received activation=3"):
        v.check_activation("activation", 3)
    assert v.check_pair("kernel_size", 3) == (3, 3) and v.check_pair("strides", [1, 2]) == (1, 2)
    with pytest.raises(TypeError, match=r"kernel_size must be an int or a pair of ints"):
        v.check_pair("kernel_size", (3, 3, 3))
    with pytest.raises(ValueError, match=r"strides must be >= 1; received strides=0"):
        v.check_pair("strides", 0)
    assert v.check_input_shape("input_shape", 13) == (13,)
    assert v.check_image_shape("input_shape", (28, 28, 1), channels=1) == (28, 28, 1)
    with pytest.raises(ValueError, match=r"input_shape must give the number of channels"):
        v.check_image_shape("input_shape", (28, 28, None))
    with pytest.raises(ValueError, match=r"input_shape must have 3 channels"):
        v.check_image_shape("input_shape", (28, 28, 1), channels=3)
    with pytest.raises(ValueError, match=r"input_shape must be at least 32x32"):
        v.check_image_shape("input_shape", (28, 28, 1), min_size=32)
    x = keras.Input((8, 8, 3))
    assert v.check_keras_tensor("x", x, ndim=4) is x
    with pytest.raises(TypeError, match=r"x must be a symbolic tensor .*received x of type ndarray"):
        v.check_keras_tensor("x", np.zeros((1, 8, 8, 3)))
    with pytest.raises(ValueError, match=r"x must have 2 axes; received x of shape"):
        v.check_keras_tensor("x", x, ndim=2)


def test_check_max_size_and_as_numeric_array():
    import ml_dtypes

    assert v.check_max_size("max_train", None, 10) is None and v.check_max_size("max_train", 5, 10) == 5
    with pytest.raises(TypeError, match=r"max_train must be None or an int; received max_train=2.5"):
        v.check_max_size("max_train", 2.5, 10)
    with pytest.raises(ValueError, match=r"max_train must be None or between 1 and 10 \(the full size\); received max_train=11"):
        v.check_max_size("max_train", 11, 10)
    assert v.as_numeric_array("x", np.ones(2, ml_dtypes.bfloat16)).dtype == np.float32
    assert v.as_numeric_array("x", np.ones(2, np.float16)).dtype == np.float32
    assert v.as_numeric_array("x", np.arange(3)).dtype.kind == "i"
    with pytest.raises(TypeError, match=r"x must hold numbers"):
        v.as_numeric_array("x", np.array(["a"]))
    with pytest.raises(TypeError, match=r"x must be an array of numbers"):
        v.as_numeric_array("x", None)
