"""Tests of dlcourse.ops: the NumPy reference ops against Keras layers and the syllabus's figures."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
from scipy import signal

from dlcourse.ops import (
    average_pool2d,
    conv2d,
    conv_output_size,
    conv_params,
    convolve2d,
    dense_params,
    max_pool2d,
    same_padding,
)

RNG_SEED = 7


def _keras_conv(x, kernel, bias, *, strides, padding):
    """Runs keras.layers.Conv2D (behind ZeroPadding2D for an int padding) with the given weights."""
    x = x if x.ndim == 3 else x[:, :, None]
    layers = [keras.layers.ZeroPadding2D(padding)] if isinstance(padding, int) else []
    conv = keras.layers.Conv2D(
        kernel.shape[-1],
        kernel.shape[:2],
        strides=strides,
        padding="valid" if isinstance(padding, int) else padding,
        use_bias=bias is not None,
    )
    model = keras.Sequential([keras.Input(x.shape), *layers, conv])
    conv.set_weights([kernel] + ([bias] if bias is not None else []))
    return keras.ops.convert_to_numpy(model(x[None].astype("float32")))[0]


def _keras_pool(layer_class, x, *, pool_size, strides, padding):
    x3 = x if x.ndim == 3 else x[:, :, None]
    layer = layer_class(pool_size=pool_size, strides=strides, padding=padding)
    out = keras.ops.convert_to_numpy(layer(x3[None].astype("float32")))[0]
    return out if x.ndim == 3 else out[:, :, 0]


# ----------------------------------------------------------------------------- syllabus facts

WORKED_INPUT = np.array(
    [[1, 2, 1, 1, 1], [1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [5, 2, 5, 4, 5], [3, 5, 5, 5, 3]]
)
WORKED_KERNEL = np.array([[-1, -1], [1, 1]])
WORKED_OUTPUT = np.array([[-2, -3, -2, -2], [0, 0, 0, 0], [6, 7, 9, 9], [1, 3, 1, -1]])


def test_worked_5x5_example_valid_stride_1():
    out = conv2d(WORKED_INPUT, WORKED_KERNEL, padding="valid", strides=1)
    np.testing.assert_array_equal(out, WORKED_OUTPUT)
    # Hand derivation of one entry: row 2 minus row 3 of the window, e.g. out[2, 2] = (5 + 4) - (0 + 0).
    assert out[2, 2] == WORKED_INPUT[3, 2] + WORKED_INPUT[3, 3] - WORKED_INPUT[2, 2] - WORKED_INPUT[2, 3]


def test_worked_5x5_example_matches_keras_and_scipy():
    kernel = WORKED_KERNEL.astype("float32")[:, :, None, None]
    keras_out = _keras_conv(WORKED_INPUT.astype("float32"), kernel, None, strides=1, padding="valid")
    np.testing.assert_allclose(keras_out[:, :, 0], WORKED_OUTPUT)
    np.testing.assert_array_equal(signal.correlate2d(WORKED_INPUT, WORKED_KERNEL, mode="valid"), WORKED_OUTPUT)


def test_width_13_filter_6_stride_5_valid_ignores_last_two_columns():
    assert conv_output_size(13, 6, strides=5, padding="valid") == 2
    x = np.arange(13.0)[None, :]
    kernel = np.ones((1, 6))
    out = conv2d(x, kernel, strides=5)
    assert out.shape == (1, 2)
    changed = x.copy()
    changed[0, 11:] = 1000.0  # the last 2 columns are never under the kernel
    np.testing.assert_array_equal(conv2d(changed, kernel, strides=5), out)


def test_width_13_filter_6_stride_5_same_pads_one_left_two_right():
    assert conv_output_size(13, 6, strides=5, padding="same") == 3
    assert same_padding(13, 6, strides=5) == (1, 2)
    x = np.arange(1.0, 14.0)[None, :]
    out = conv2d(x, np.ones((1, 6)), strides=5, padding="same")
    # windows over [0, 1..5], [5..10], [10..13, 0, 0]
    np.testing.assert_array_equal(out, [[15.0, 45.0, 46.0]])


def test_three_3x3_convs_without_pooling_then_dense_512():
    size = 28
    for _ in range(3):
        size = conv_output_size(size, 3)
    assert size == 22
    assert size * size * 64 == 30_976
    assert dense_params(30_976, 512) == 15_860_224
    model = keras.Sequential(
        [keras.Input((28, 28, 1))]
        + [keras.layers.Conv2D(f, 3, activation="relu") for f in (32, 64, 64)]
        + [keras.layers.Flatten(), keras.layers.Dense(512)]
    )
    assert model.layers[-2].output.shape[-1] == 30_976
    assert model.layers[-1].count_params() == 15_860_224
    expected = [conv_params(3, 1, 32), conv_params(3, 32, 64), conv_params(3, 64, 64)]
    assert [layer.count_params() for layer in model.layers[:3]] == expected


def test_1x1_conv_equals_dense_at_each_pixel():
    rng = np.random.default_rng(RNG_SEED)
    maps = rng.normal(size=(6, 6, 20))
    kernel = rng.normal(size=(1, 1, 20, 10))
    bias = rng.normal(size=10)
    out = conv2d(maps, kernel, bias)
    assert out.shape == (6, 6, 10)
    per_pixel = (maps.reshape(36, 20) @ kernel.reshape(20, 10) + bias).reshape(6, 6, 10)
    np.testing.assert_allclose(out, per_pixel)
    dense = keras.layers.Dense(10)
    dense.build((None, 20))
    dense.set_weights([kernel.reshape(20, 10).astype("float32"), bias.astype("float32")])
    keras_out = keras.ops.convert_to_numpy(dense(maps[None].astype("float32")))[0]
    np.testing.assert_allclose(out, keras_out, rtol=1e-4, atol=1e-4)
    assert conv_params(1, 20, 10) == dense_params(20, 10) == 210


# ----------------------------------------------------------------------------- against Keras

CONV_GRID = list(
    itertools.product([(1, 1), (3, 3), (2, 3)], [1, 2, (2, 3)], ["valid", "same", 1], [(1, 1), (3, 2)])
)


@pytest.mark.parametrize("kernel_size, strides, padding, channels", CONV_GRID)
def test_conv2d_matches_keras_conv2d(kernel_size, strides, padding, channels):
    rng = np.random.default_rng(RNG_SEED)
    c_in, c_out = channels
    x = rng.normal(size=(7, 8, c_in)).astype("float32")
    kernel = rng.normal(size=(*kernel_size, c_in, c_out)).astype("float32")
    bias = rng.normal(size=c_out).astype("float32")
    expected = _keras_conv(x, kernel, bias, strides=strides, padding=padding)
    np.testing.assert_allclose(conv2d(x, kernel, bias, strides=strides, padding=padding), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape, kernel_size, strides", [((13, 13), (6, 6), 5), ((5, 4), (4, 2), 3), ((2, 2), (3, 3), 1)])
def test_conv2d_same_matches_keras_for_uneven_padding(shape, kernel_size, strides):
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(size=shape).astype("float32")
    kernel = rng.normal(size=kernel_size).astype("float32")
    expected = _keras_conv(x, kernel[:, :, None, None], None, strides=strides, padding="same")[:, :, 0]
    np.testing.assert_allclose(conv2d(x, kernel, strides=strides, padding="same"), expected, rtol=1e-4, atol=1e-4)


def test_conv2d_shapes_for_2d_and_4d_kernels():
    x = np.ones((5, 5))
    assert conv2d(x, np.ones((3, 3))).shape == (3, 3)
    assert conv2d(x, np.ones((3, 3, 1, 4))).shape == (3, 3, 4)
    assert conv2d(x[:, :, None], np.ones((3, 3)), bias=1.0).shape == (3, 3)
    np.testing.assert_array_equal(conv2d(x, np.ones((3, 3)), bias=[0.5]), np.full((3, 3), 9.5))


def test_convolve2d_flips_the_kernel():
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(size=(6, 7))
    kernel = rng.normal(size=(3, 2))
    np.testing.assert_allclose(convolve2d(x, kernel), signal.convolve2d(x, kernel, mode="valid"))
    np.testing.assert_allclose(convolve2d(x, kernel), conv2d(x, kernel[::-1, ::-1]))
    assert not np.allclose(convolve2d(x, kernel), conv2d(x, kernel))
    np.testing.assert_allclose(convolve2d(WORKED_INPUT, WORKED_KERNEL), -WORKED_OUTPUT)


POOL_GRID = list(itertools.product([2, 3, (2, 3)], [None, 1, 2], ["valid", "same"], [(7, 9, 2), (6, 5)]))


@pytest.mark.parametrize("pool_size, strides, padding, shape", POOL_GRID)
def test_pooling_matches_keras(pool_size, strides, padding, shape):
    x = np.random.default_rng(RNG_SEED).normal(size=shape).astype("float32")
    options = dict(pool_size=pool_size, strides=strides, padding=padding)
    np.testing.assert_allclose(max_pool2d(x, **options), _keras_pool(keras.layers.MaxPooling2D, x, **options), rtol=1e-5)
    np.testing.assert_allclose(
        average_pool2d(x, **options), _keras_pool(keras.layers.AveragePooling2D, x, **options), rtol=1e-4, atol=1e-5
    )


def test_average_pool_same_averages_real_entries_only():
    x = np.array([[1.0, 2.0, 3.0]])
    # width 3, pool 2, stride 2, same: one zero on the right; the last window holds only 3.
    np.testing.assert_array_equal(average_pool2d(x, pool_size=(1, 2), padding="same"), [[1.5, 3.0]])
    keras_out = _keras_pool(keras.layers.AveragePooling2D, x, pool_size=(1, 2), strides=None, padding="same")
    np.testing.assert_allclose(keras_out, [[1.5, 3.0]])


def test_max_pool_ignores_padding_for_negative_inputs():
    x = -np.arange(1.0, 10.0).reshape(3, 3)
    np.testing.assert_array_equal(max_pool2d(x, padding="same"), [[-1.0, -3.0], [-7.0, -9.0]])


def test_max_pool_defaults_to_strides_equal_pool_size():
    np.testing.assert_array_equal(max_pool2d(np.arange(16).reshape(4, 4)), [[5, 7], [13, 15]])


SIZE_GRID = [
    case
    for case in itertools.product([5, 7, 13, 28], [1, 2, 3, 6], [1, 2, 3, 5], ["valid", "same"])
    if not (case[3] == "valid" and case[1] > case[0])
]


@pytest.mark.parametrize("n, kernel_size, strides, padding", SIZE_GRID)
def test_output_size_matches_keras_layers(n, kernel_size, strides, padding):
    conv = keras.layers.Conv2D(1, kernel_size, strides=strides, padding=padding)
    pool = keras.layers.MaxPooling2D(kernel_size, strides=strides, padding=padding)
    expected = conv_output_size(n, kernel_size, strides=strides, padding=padding)
    assert conv.compute_output_shape((None, n, n, 1))[1:3] == (expected, expected)
    assert pool.compute_output_shape((None, n, n, 1))[1:3] == (expected, expected)
    before, after = same_padding(n, kernel_size, strides=strides)
    if padding == "same":
        assert conv_output_size(n + before + after, kernel_size, strides=strides) == expected


def test_output_size_with_int_padding_and_param_counts():
    assert conv_output_size(5, 3, padding=1) == 5
    assert conv_output_size(32, 5, strides=2, padding=2) == 16
    assert same_padding(28, 3) == (1, 1)
    assert same_padding(4, 2, strides=2) == (0, 0)
    assert conv_params(3, 1, 32) == 320
    assert conv_params((5, 3), 3, 8, use_bias=False) == 360
    assert dense_params(784, 10) == 7850
    assert dense_params(784, 10, use_bias=False) == 7840
    layer = keras.layers.Conv2D(8, (5, 3), use_bias=False)
    layer.build((None, 10, 10, 3))
    assert layer.count_params() == 360


# ----------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "call, error, pattern",
    [
        (lambda: conv2d(np.ones((2, 2)), np.ones((3, 3))), ValueError, r"kernel \(3, 3\) is larger than the padded inputs \(2, 2\)"),
        (lambda: conv2d(np.ones((4, 4, 3)), np.ones((2, 2, 1, 4))), ValueError, r"kernel expects 1 input channel\(s\) but inputs has 3"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), padding="full"), ValueError, r"padding must be 'valid', 'same' or an int.*'full'"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), padding=-1), ValueError, r"padding must be >= 0; received padding=-1"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), padding=1.5), TypeError, r"padding must be"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), strides=0), ValueError, r"strides must be >= 1; received strides=0"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), strides=(1, 0)), ValueError, r"strides must be >= 1"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2)), strides=(1, 2, 3)), TypeError, r"strides must be an int or a pair"),
        (lambda: conv2d(np.ones((1, 4, 4, 1)), np.ones((2, 2))), ValueError, r"inputs must have shape .*not a batch.*\(1, 4, 4, 1\)"),
        (lambda: conv2d(np.ones(4), np.ones((2, 2))), ValueError, r"inputs must have shape \(height, width\)"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2, 1))), ValueError, r"kernel must have shape .*kernel.shape=\(2, 2, 1\)"),
        (lambda: conv2d(np.ones((4, 4)), np.ones((2, 2, 1, 3)), bias=np.ones(2)), ValueError, r"bias must have shape \(3,\)"),
        (lambda: conv2d("image", np.ones((2, 2))), TypeError, r"inputs must be a numeric array"),
        (lambda: conv2d(np.array([["a", "b"]]), np.ones((1, 1))), TypeError, r"inputs must hold real numbers"),
        (lambda: conv2d(np.ones((0, 4)), np.ones((1, 1))), ValueError, r"inputs must not be empty"),
        (lambda: convolve2d(np.ones((2, 2)), np.ones((3, 3))), ValueError, r"kernel \(3, 3\) is larger"),
        (lambda: max_pool2d(np.ones((2, 2)), pool_size=3), ValueError, r"pool_size \(3, 3\) is larger than the padded inputs"),
        (lambda: max_pool2d(np.ones((4, 4)), padding=1), TypeError, r"padding must be 'valid' or 'same'"),
        (lambda: average_pool2d(np.ones((4, 4)), padding="full"), ValueError, r"padding must be 'valid' or 'same'"),
        (lambda: average_pool2d(np.ones((4, 4)), pool_size=0), ValueError, r"pool_size must be >= 1"),
        (lambda: average_pool2d(np.ones((4, 4)), strides=0), ValueError, r"strides must be >= 1"),
        (lambda: max_pool2d(np.ones((2, 4, 4, 1))), ValueError, r"inputs must have shape"),
        (lambda: conv_output_size(5, 7), ValueError, r"kernel_size must be <= the padded input size .* = 5; received n=5, kernel_size=7"),
        (lambda: conv_output_size(0, 3), ValueError, r"n must be >= 1; received n=0"),
        (lambda: conv_output_size(5, 3, strides=0), ValueError, r"strides must be >= 1"),
        (lambda: conv_output_size(5.0, 3), TypeError, r"n must be an int"),
        (lambda: conv_output_size(5, 3, padding="full"), ValueError, r"padding must be"),
        (lambda: same_padding(5, 0), ValueError, r"kernel_size must be >= 1"),
        (lambda: conv_params(3, 0, 32), ValueError, r"in_channels must be >= 1"),
        (lambda: conv_params("3", 1, 32), TypeError, r"kernel_size must be an int or a pair"),
        (lambda: conv_params(3, 1, 32, use_bias=1), TypeError, r"use_bias must be a bool"),
        (lambda: dense_params(784, 0), ValueError, r"units must be >= 1; received units=0"),
        (lambda: dense_params(True, 10), TypeError, r"in_features must be an int"),
    ],
)
def test_validation_messages(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
