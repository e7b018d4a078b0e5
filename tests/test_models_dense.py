"""Tests of dlcourse.models.dense: build_dense and dense_stack."""

import keras
import numpy as np
import pytest

from dlcourse.models.dense import build_dense, dense_stack
from dlcourse.models.regularization import weight_constraint, weight_regularizer


def _layers(model, cls):
    return [layer for layer in model.layers if isinstance(layer, cls)]


@pytest.mark.parametrize(
    ("args", "kwargs", "params"),
    [
        (((10000,), "binary"), {"units": (16, 16)}, 160_305),  # IMDB, Chollet listing 4.4
        (((13,), "regression"), {"units": (64, 64)}, 5_121),  # Boston housing, listing 4.25
        (((10000,), "multiclass"), {"num_classes": 46, "units": (64, 64)}, 647_214),  # Reuters, listing 4.15
    ],
)
def test_textbook_parameter_counts(args, kwargs, params):
    model = build_dense(*args, **kwargs)
    assert model.count_params() == params


def test_structure_and_output():
    model = build_dense((10000,), "multiclass", num_classes=46)
    assert isinstance(model, keras.Model)
    assert model.name == "dense_network"
    assert not model.compiled
    assert [layer.name for layer in model.layers] == ["inputs", "hidden_1", "hidden_2", "predictions"]
    assert model.get_layer("hidden_1").activation.__name__ == "relu"
    assert model.get_layer("predictions").activation.__name__ == "softmax"
    out = model.predict(np.zeros((3, 10000), dtype="float32"), verbose=0)
    assert out.shape == (3, 46)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_int_input_shape_and_no_hidden_layers():
    model = build_dense(10, "binary", units=(), name="logistic")
    assert model.input_shape == (None, 10)
    assert model.count_params() == 11
    assert model.name == "logistic"


def test_multi_axis_input_is_flattened():
    model = build_dense((28, 28), "multiclass", num_classes=10, units=(512,))
    assert isinstance(model.get_layer("flatten"), keras.layers.Flatten)
    assert model.count_params() == 28 * 28 * 512 + 512 + 5130


def test_regularizers_on_hidden_kernels_only():
    model = build_dense((20,), "binary", units=(8, 8), l2=0.002)
    for name in ("hidden_1", "hidden_2"):
        reg = model.get_layer(name).kernel_regularizer
        assert isinstance(reg, keras.regularizers.L2) and float(reg.l2) == pytest.approx(0.002)
    assert model.get_layer("predictions").kernel_regularizer is None
    assert len(model.losses) == 2
    both = build_dense((20,), "binary", units=(8,), l1=0.001, l2=0.002)
    assert isinstance(both.get_layer("hidden_1").kernel_regularizer, keras.regularizers.L1L2)
    assert build_dense((20,), "binary").get_layer("hidden_1").kernel_regularizer is None


def test_dropout_after_each_hidden_layer():
    model = build_dense((20,), "binary", units=(8, 8, 8), dropout_rate=0.5)
    dropouts = _layers(model, keras.layers.Dropout)
    assert len(dropouts) == 3 and all(d.rate == 0.5 for d in dropouts)
    names = [layer.name for layer in model.layers]
    assert names.index("hidden_1_dropout") == names.index("hidden_1") + 1
    assert not _layers(build_dense((20,), "binary"), keras.layers.Dropout)


def test_max_norm_and_batch_norm():
    model = build_dense((20,), "regression", units=(8, 8), max_norm=3.0, batch_norm=True)
    constraint = model.get_layer("hidden_1").kernel_constraint
    assert isinstance(constraint, keras.constraints.MaxNorm) and constraint.max_value == 3.0
    assert model.get_layer("predictions").kernel_constraint is None
    assert len(_layers(model, keras.layers.BatchNormalization)) == 2
    assert not model.get_layer("hidden_1").use_bias
    assert model.get_layer("hidden_1").activation.__name__ == "linear"
    assert model.get_layer("hidden_1_act").activation.__name__ == "relu"
    # 20*8 + 4*8 (BN) + 8*8 + 4*8 + 8 + 1
    assert model.count_params() == 160 + 32 + 64 + 32 + 9


def test_custom_activation():
    model = build_dense((5,), "regression_unit", units=(4,), activation="tanh")
    assert model.get_layer("hidden_1").activation.__name__ == "tanh"
    assert model.get_layer("predictions").activation.__name__ == "sigmoid"
    assert build_dense((5,), "regression", units=(4,), activation=keras.activations.gelu).count_params() == 29


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("10000", "binary"), {}, TypeError, r"input_shape must be a tuple of ints such as \(28, 28, 1\); received input_shape='10000'"),
        (((0,), "binary"), {}, ValueError, r"input_shape must hold positive ints \(or None\); received input_shape=\(0,\)"),
        (((), "binary"), {}, ValueError, r"input_shape must have at least one axis; received input_shape=\(\)"),
        (((10,), "classify"), {}, ValueError, r"task must be one of 'binary', .*received task='classify'"),
        (((10,), "multiclass"), {}, ValueError, r"num_classes is required for task='multiclass'"),
        (((10,), "multiclass"), {"num_classes": 1}, ValueError, r"num_classes must be >= 2 for a softmax head; received num_classes=1"),
        (((10,), "regression"), {"num_classes": 3}, ValueError, r"num_classes must be None for task='regression'"),
        (((10,), "binary"), {"units": (16, 0)}, ValueError, r"every entry of units must be >= 1; received units=\(16, 0\)"),
        (((10,), "binary"), {"units": "16"}, TypeError, r"units must be a sequence of ints"),
        (((10,), "binary"), {"units": (16.0,)}, TypeError, r"units must hold ints; received units=\(16.0,\)"),
        (((10,), "binary"), {"activation": "relux"}, ValueError, r"activation must be a Keras activation name .*received activation='relux'"),
        (((10,), "binary"), {"activation": 3}, TypeError, r"activation must be an activation name such as 'relu' or a callable; received activation=3"),
        (((10,), "binary"), {"dropout_rate": 1.0}, ValueError, r"dropout_rate must be < 1.0; received dropout_rate=1.0"),
        (((10,), "binary"), {"dropout_rate": -0.1}, ValueError, r"dropout_rate must be >= 0.0; received dropout_rate=-0.1"),
        (((10,), "binary"), {"l1": -1e-3}, ValueError, r"l1 must be >= 0.0; received l1=-0.001"),
        (((10,), "binary"), {"l2": None}, TypeError, r"l2 must be a number; received l2=None"),
        (((10,), "binary"), {"max_norm": 0}, ValueError, r"max_norm must be > 0.0; received max_norm=0.0"),
        (((10,), "binary"), {"batch_norm": "yes"}, TypeError, r"batch_norm must be a bool; received batch_norm='yes'"),
        (((10,), "binary"), {"name": ""}, TypeError, r"name must be a non-empty str; received name=''"),
    ],
)
def test_validation(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        build_dense(*args, **kwargs)


# --- dense_stack -------------------------------------------------------------------------------


def test_dense_stack_layers_names_and_parameters():
    inputs = keras.Input((8,))
    model = keras.Model(inputs, dense_stack(inputs, (16, 4), activation="tanh", dropout_rate=0.5, prefix="fc"))
    assert [layer.name for layer in model.layers[1:]] == ["fc_1", "fc_1_dropout", "fc_2", "fc_2_dropout"]
    assert model.count_params() == (8 * 16 + 16) + (16 * 4 + 4)
    assert model.get_layer("fc_1").activation.__name__ == "tanh"
    assert dense_stack(inputs, ()) is inputs


def test_dense_stack_batch_norm_regularizer_and_constraint():
    inputs = keras.Input((8,))
    outputs = dense_stack(
        inputs, (4,), batch_norm=True, kernel_regularizer=weight_regularizer(l2=0.1), kernel_constraint=weight_constraint(2.0)
    )
    model = keras.Model(inputs, outputs)
    assert [layer.name for layer in model.layers[1:]] == ["hidden_1", "hidden_1_bn", "hidden_1_act"]
    dense = model.get_layer("hidden_1")
    assert not dense.use_bias and dense.activation.__name__ == "linear"
    assert isinstance(dense.kernel_regularizer, keras.regularizers.L2)
    assert dense.kernel_constraint.max_value == 2.0
    x = np.ones((2, 8), "float32")
    model(x, training=True)
    assert len(model.losses) == 1 and float(model.losses[0]) > 0  # the L2 penalty on the kernel


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "message"),
    [
        (np.zeros((2, 8)), {}, TypeError, r"x must be a symbolic tensor such as keras.Input\(\(28, 28, 1\)\); received x of type ndarray"),
        (None, {"units": (4, 0)}, ValueError, r"every entry of units must be >= 1; received units=\(4, 0\)"),
        (None, {"dropout_rate": 1.0}, ValueError, r"dropout_rate must be < 1.0; received dropout_rate=1.0"),
        (None, {"prefix": ""}, TypeError, r"prefix must be a non-empty str; received prefix=''"),
    ],
)
def test_dense_stack_validation(x, kwargs, error, message):
    x = keras.Input((8,)) if x is None else x
    with pytest.raises(error, match=message):
        dense_stack(x, kwargs.pop("units", (4,)), **kwargs)
