"""Tests of dlcourse.models.regularization: regularizer and constraint factories, the augmentation block."""

import keras
import numpy as np
import pytest

from dlcourse.models.regularization import augmentation_block, resolve_augmentation, weight_constraint, weight_regularizer


def test_weight_regularizer_kinds():
    assert weight_regularizer() is None
    assert weight_regularizer(0, 0.0) is None
    l1 = weight_regularizer(l1=0.01)
    assert isinstance(l1, keras.regularizers.L1) and float(l1.l1) == pytest.approx(0.01)
    l2 = weight_regularizer(l2=0.002)
    assert isinstance(l2, keras.regularizers.L2) and float(l2.l2) == pytest.approx(0.002)
    both = weight_regularizer(0.001, 0.002)
    assert isinstance(both, keras.regularizers.L1L2)
    assert (float(both.l1), float(both.l2)) == (pytest.approx(0.001), pytest.approx(0.002))
    assert weight_regularizer(l2=0.1) is not weight_regularizer(l2=0.1)


def test_weight_regularizer_penalty_value():
    w = np.array([[1.0, -2.0], [3.0, 0.0]], dtype="float32")
    penalty = float(weight_regularizer(l1=0.1, l2=0.01)(w))
    assert penalty == pytest.approx(0.1 * 6 + 0.01 * 14, rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"l1": -0.1}, ValueError, r"l1 must be >= 0.0; received l1=-0.1"),
        ({"l2": -1}, ValueError, r"l2 must be >= 0.0; received l2=-1.0"),
        ({"l2": "0.01"}, TypeError, r"l2 must be a number; received l2='0.01'"),
        ({"l1": True}, TypeError, r"l1 must be a number; received l1=True"),
    ],
)
def test_weight_regularizer_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        weight_regularizer(**kwargs)


def test_weight_constraint():
    assert weight_constraint() is None
    constraint = weight_constraint(3)
    assert isinstance(constraint, keras.constraints.MaxNorm)
    assert constraint.max_value == 3.0 and constraint.axis == 0
    assert weight_constraint(2.0, axis=(0, 1, 2)).axis == [0, 1, 2]
    w = np.full((4, 2), 10.0, dtype="float32")
    norms = np.linalg.norm(keras.ops.convert_to_numpy(constraint(w)), axis=0)
    np.testing.assert_allclose(norms, 3.0, rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"max_norm": 0}, ValueError, r"max_norm must be > 0.0; received max_norm=0.0"),
        ({"max_norm": -2.0}, ValueError, r"max_norm must be > 0.0; received max_norm=-2.0"),
        ({"max_norm": "3"}, TypeError, r"max_norm must be a number; received max_norm='3'"),
        ({"max_norm": 3.0, "axis": -1}, ValueError, r"every entry of axis must be >= 0"),
        ({"max_norm": 3.0, "axis": "0"}, TypeError, r"axis must be a sequence of ints"),
    ],
)
def test_weight_constraint_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        weight_constraint(**kwargs)


def test_augmentation_block_default_layers():
    block = augmentation_block()
    assert isinstance(block, keras.Sequential)
    assert block.name == "augmentation"
    assert [type(layer).__name__ for layer in block.layers] == [
        "RandomFlip",
        "RandomRotation",
        "RandomZoom",
        "RandomTranslation",
        "RandomContrast",
    ]
    assert block.layers[0].mode == "horizontal"


def test_augmentation_block_turns_layers_off():
    block = augmentation_block(flip=None, rotation=0, zoom=None, contrast=0.0, name="aug")
    assert [type(layer).__name__ for layer in block.layers] == ["RandomTranslation"]
    assert block.name == "aug"
    identity = augmentation_block(flip=None, rotation=0, zoom=0, translation=0, contrast=0)
    assert [type(layer).__name__ for layer in identity.layers] == ["Identity"]
    x = np.random.default_rng(0).uniform(size=(2, 8, 8, 3)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(identity(x, training=True)), x)


def test_augmentation_block_only_in_training():
    keras.utils.set_random_seed(0)
    block = augmentation_block(flip="horizontal_and_vertical", rotation=0.4)
    x = np.random.default_rng(1).uniform(0, 255, size=(4, 16, 16, 3)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(block(x, training=False)), x)
    assert not np.allclose(keras.ops.convert_to_numpy(block(x, training=True)), x)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"flip": "diagonal"}, ValueError, r"flip must be one of 'horizontal', 'vertical', 'horizontal_and_vertical', None; received flip='diagonal'"),
        ({"rotation": 1.5}, ValueError, r"rotation must be <= 1.0; received rotation=1.5"),
        ({"zoom": -0.2}, ValueError, r"zoom must be >= 0.0; received zoom=-0.2"),
        ({"translation": "0.1"}, TypeError, r"translation must be a number; received translation='0.1'"),
        ({"contrast": 2}, ValueError, r"contrast must be <= 1.0; received contrast=2.0"),
        ({"name": ""}, TypeError, r"name must be a non-empty str; received name=''"),
    ],
)
def test_augmentation_block_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        augmentation_block(**kwargs)


def test_resolve_augmentation():
    assert resolve_augmentation(None) is None
    default = resolve_augmentation("default")
    assert isinstance(default, keras.Sequential)
    assert [layer.__class__.__name__ for layer in default.layers] == [
        layer.__class__.__name__ for layer in augmentation_block().layers
    ]
    block = augmentation_block(flip=None)
    assert resolve_augmentation(block) is block

    def function(x):
        return x

    assert resolve_augmentation(function) is function


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("strong", ValueError, r"augmentation must be None, 'default' or a Keras layer; received augmentation='strong'"),
        (0.5, TypeError, r"augmentation must be None, 'default' or a Keras layer .*received augmentation of type float"),
    ],
)
def test_resolve_augmentation_validation(value, error, message):
    with pytest.raises(error, match=message):
        resolve_augmentation(value)
