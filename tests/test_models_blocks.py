"""Tests of dlcourse.models.blocks: the VGG block, the Inception module, the residual block."""

import keras
import numpy as np
import pytest

from dlcourse.models.blocks import inception_module, residual_block, vgg_block



# --- vgg_block ---------------------------------------------------------------------------------


def test_vgg_block_shapes_and_names():
    inputs = keras.Input((32, 32, 3))
    outputs = vgg_block(inputs, 64, 2, name="block1")
    assert outputs.shape == (None, 16, 16, 64)
    model = keras.Model(inputs, outputs)
    assert [layer.name for layer in model.layers[1:]] == ["block1_conv1", "block1_conv2", "block1_pool"]
    conv = model.get_layer("block1_conv1")
    assert conv.kernel_size == (3, 3) and conv.padding == "same" and conv.activation.__name__ == "relu"
    assert model.count_params() == (27 * 64 + 64) + (576 * 64 + 64)


def test_vgg_block_batch_norm_and_auto_names():
    inputs = keras.Input((8, 8, 4))
    model = keras.Model(inputs, vgg_block(inputs, 8, 3, batch_norm=True))
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers) == 3
    assert model.output_shape == (None, 4, 4, 8)


@pytest.mark.parametrize(
    ("x_shape", "args", "kwargs", "error", "message"),
    [
        ((8, 8, 3), (0, 2), {}, ValueError, r"filters must be >= 1; received filters=0"),
        ((8, 8, 3), (8, 0), {}, ValueError, r"num_convs must be >= 1; received num_convs=0"),
        ((8, 8, 3), (8, 2.0), {}, TypeError, r"num_convs must be an int"),
        ((1, 1, 3), (8, 2), {}, ValueError, r"x must be at least 2x2 for the block's 2x2 max-pooling"),
        ((8, 8, 3), (8, 2), {"name": ""}, TypeError, r"name must be a non-empty str"),
        ((8, 8, 3), (8, 2), {"batch_norm": "no"}, TypeError, r"batch_norm must be a bool"),
    ],
)
def test_vgg_block_validation(x_shape, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        vgg_block(keras.Input(x_shape), *args, **kwargs)


def test_blocks_need_a_symbolic_image_tensor():
    with pytest.raises(TypeError, match=r"x must be a symbolic tensor such as keras.Input\(\(28, 28, 1\)\); received x of type ndarray"):
        vgg_block(np.zeros((1, 8, 8, 3)), 8, 1)
    with pytest.raises(ValueError, match=r"x must have 4 axes; received x of shape \(None, 10\)"):
        residual_block(keras.Input((10,)), 8)


# --- inception_module --------------------------------------------------------------------------


def test_inception_3a():
    """GoogLeNet module (3a): 28x28x192 -> 28x28x256 (64 + 128 + 32 + 32 channels)."""
    inputs = keras.Input((28, 28, 192))
    outputs = inception_module(inputs, 64, 96, 128, 16, 32, 32, name="inception_3a")
    assert outputs.shape == (None, 28, 28, 256)
    model = keras.Model(inputs, outputs)
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}
    assert counts == {
        "inception_3a_1x1": 12_352,
        "inception_3a_3x3_reduce": 18_528,
        "inception_3a_3x3": 110_720,
        "inception_3a_5x5_reduce": 3_088,
        "inception_3a_5x5": 12_832,
        "inception_3a_pool_proj": 6_176,
    }
    assert model.count_params() == 163_696
    pool = model.get_layer("inception_3a_pool")
    assert pool.pool_size == (3, 3) and pool.strides == (1, 1) and pool.padding == "same"


def test_inception_module_validation():
    inputs = keras.Input((8, 8, 4))
    with pytest.raises(ValueError, match=r"filters_5x5_reduce must be >= 1; received filters_5x5_reduce=0"):
        inception_module(inputs, 8, 8, 8, 0, 8, 8)
    with pytest.raises(TypeError, match=r"filters_pool_proj must be an int; received filters_pool_proj='8'"):
        inception_module(inputs, 8, 8, 8, 8, 8, "8")


# --- residual_block ----------------------------------------------------------------------------


def test_identity_block_has_no_projection_and_passes_x_through_with_zero_weights():
    inputs = keras.Input((8, 8, 16))
    model = keras.Model(inputs, residual_block(inputs, 16, name="res"))
    names = [layer.name for layer in model.layers]
    assert "res_proj" not in names and "res_proj_bn" not in names
    for name in ("res_conv1", "res_conv2"):
        layer = model.get_layer(name)
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    x = np.random.default_rng(0).uniform(-1, 1, size=(2, 8, 8, 16)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.maximum(x, 0), atol=1e-6)
    np.testing.assert_allclose(model.predict(np.abs(x), verbose=0), np.abs(x), atol=1e-6)


def test_identity_block_computes_relu_of_branch_plus_x():
    inputs = keras.Input((8, 8, 4))
    model = keras.Model(inputs, residual_block(inputs, 4, name="res"))
    branch = keras.Model(inputs, model.get_layer("res_bn2").output)
    x = np.random.default_rng(1).normal(size=(3, 8, 8, 4)).astype("float32")
    expected = np.maximum(branch.predict(x, verbose=0) + x, 0)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_projection_block_changes_shape():
    inputs = keras.Input((8, 8, 16))
    model = keras.Model(inputs, residual_block(inputs, 32, strides=2, name="down"))
    assert model.output_shape == (None, 4, 4, 32)
    projection = model.get_layer("down_proj")
    assert projection.kernel_size == (1, 1) and projection.strides == (2, 2)
    assert isinstance(model.get_layer("down_proj_bn"), keras.layers.BatchNormalization)
    widen = keras.Model(inputs, residual_block(inputs, 24, name="widen"))
    assert widen.output_shape == (None, 8, 8, 24) and widen.get_layer("widen_proj").strides == (1, 1)
    plain = keras.Model(inputs, residual_block(inputs, 16, batch_norm=False))
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in plain.layers)


def test_residual_block_validation():
    inputs = keras.Input((8, 8, 4))
    with pytest.raises(ValueError, match=r"filters must be >= 1; received filters=0"):
        residual_block(inputs, 0)
    with pytest.raises(ValueError, match=r"strides must be >= 1; received strides=0"):
        residual_block(inputs, 4, strides=0)
    with pytest.raises(TypeError, match=r"batch_norm must be a bool; received batch_norm=1"):
        residual_block(inputs, 4, batch_norm=1)
