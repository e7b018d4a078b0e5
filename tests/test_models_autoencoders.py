"""Tests of dlcourse.models.autoencoders: the builders, the code-size rule and code_sparsity."""

import keras
import numpy as np
import pytest

from dlcourse.models.autoencoders import (
    build_conv_autoencoder,
    build_dense_autoencoder,
    code_size_lower_bound,
    code_sparsity,
)

# --- code_size_lower_bound ---------------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(2, 1), (3, 2), (4, 2), (5, 3), (784, 10), (1024, 10), (1025, 11), (60000, 16)])
def test_code_size_lower_bound_is_ceil_log2(n, k):
    assert code_size_lower_bound(n) == k
    assert 2**k >= n > 2 ** (k - 1)


def test_code_size_lower_bound_validation():
    with pytest.raises(ValueError, match="num_patterns must be >= 2"):
        code_size_lower_bound(1)
    with pytest.raises(TypeError, match="num_patterns must be an int"):
        code_size_lower_bound(784.0)


# --- build_dense_autoencoder -------------------------------------------------------------------


def test_dense_autoencoder_one_layer_parameter_count():
    autoencoder, encoder, decoder = build_dense_autoencoder((784,), 32, units=())
    assert encoder.count_params() == 784 * 32 + 32 == 25_120
    assert decoder.count_params() == 32 * 784 + 784 == 25_872
    assert autoencoder.count_params() == 50_992  # the Keras blog's one-layer autoencoder


def test_dense_autoencoder_shapes_names_and_parameter_count():
    autoencoder, encoder, decoder = build_dense_autoencoder((28, 28), 16, units=(64, 32))
    assert not autoencoder.compiled
    assert (autoencoder.name, encoder.name, decoder.name) == (
        "dense_autoencoder", "dense_autoencoder_encoder", "dense_autoencoder_decoder",
    )
    assert autoencoder.input_shape == (None, 28, 28) and autoencoder.output_shape == (None, 28, 28)
    assert encoder.output_shape == (None, 16)
    assert decoder.input_shape == (None, 16) and decoder.output_shape == (None, 28, 28)
    assert [layer.name for layer in encoder.layers] == [
        "inputs", "flatten", "encoder_hidden_1", "encoder_hidden_2", "code",
    ]
    assert [layer.name for layer in decoder.layers] == [
        "code_input", "decoder_hidden_1", "decoder_hidden_2", "reconstruction", "reshape",
    ]
    assert decoder.get_layer("decoder_hidden_1").units == 32 and decoder.get_layer("decoder_hidden_2").units == 64
    expected_encoder = (784 + 1) * 64 + (64 + 1) * 32 + (32 + 1) * 16
    expected_decoder = (16 + 1) * 32 + (32 + 1) * 64 + (64 + 1) * 784
    assert encoder.count_params() == expected_encoder
    assert decoder.count_params() == expected_decoder
    assert autoencoder.count_params() == expected_encoder + expected_decoder


def test_dense_autoencoder_is_decoder_of_encoder_and_encoder_output_is_the_code():
    autoencoder, encoder, decoder = build_dense_autoencoder((12,), 3, units=(6,))
    assert encoder.output is encoder.get_layer("code").output
    x = np.random.default_rng(0).random((5, 12)).astype("float32")
    codes = encoder.predict(x, verbose=0)
    assert codes.shape == (5, 3)
    np.testing.assert_allclose(autoencoder.predict(x, verbose=0), decoder.predict(codes, verbose=0),
                               rtol=1e-5, atol=1e-6)
    # the three models share their layers: training the autoencoder trains the encoder
    assert encoder in autoencoder.layers and decoder in autoencoder.layers


def test_dense_autoencoder_activations():
    _, encoder, decoder = build_dense_autoencoder((12,), 2, units=(6,), activation="tanh", code_activation=None,
                                                  output_activation=None)
    assert encoder.get_layer("encoder_hidden_1").activation.__name__ == "tanh"
    assert encoder.get_layer("code").activation.__name__ == "linear"
    assert decoder.get_layer("reconstruction").activation.__name__ == "linear"
    _, encoder, decoder = build_dense_autoencoder((12,), 2)
    assert encoder.get_layer("code").activation.__name__ == "relu"
    assert decoder.get_layer("reconstruction").activation.__name__ == "sigmoid"


def test_activity_regularizer_only_when_asked():
    autoencoder, encoder, _ = build_dense_autoencoder((12,), 4, units=(6,))
    assert encoder.get_layer("code").activity_regularizer is None
    sparse, sparse_encoder, _ = build_dense_autoencoder((12,), 4, units=(6,), activity_l1=1e-3)
    regularizer = sparse_encoder.get_layer("code").activity_regularizer
    assert isinstance(regularizer, keras.regularizers.L1)
    assert float(regularizer.l1) == pytest.approx(1e-3)
    # the penalty is added to the loss: it is the L1 norm of the code, averaged over the batch
    x = np.random.default_rng(0).random((8, 12)).astype("float32")
    sparse(x)
    codes = sparse_encoder(x).numpy()
    assert len(sparse.losses) == 1
    np.testing.assert_allclose(float(sparse.losses[0]), 1e-3 * np.abs(codes).sum() / len(x), rtol=1e-4)
    autoencoder(x)
    assert autoencoder.losses == []


def test_dense_autoencoder_trains_with_input_as_target():
    keras.utils.set_random_seed(0)
    autoencoder, _, _ = build_dense_autoencoder((8,), 4, units=(16,))
    autoencoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    x = np.random.default_rng(0).random((64, 8)).astype("float32")
    history = autoencoder.fit(x, x, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"input_shape": "784", "code_size": 2}, TypeError, "input_shape must be a tuple"),
        ({"input_shape": (), "code_size": 2}, ValueError, "input_shape must have at least one axis"),
        ({"input_shape": (None,), "code_size": 2}, ValueError, "input_shape must have at least one axis and no None"),
        ({"input_shape": (8,), "code_size": 0}, ValueError, "code_size must be >= 1"),
        ({"input_shape": (8,), "code_size": 2.0}, TypeError, "code_size must be an int"),
        ({"input_shape": (8,), "code_size": 2, "units": (4, 0)}, ValueError, "every entry of units must be >= 1"),
        ({"input_shape": (8,), "code_size": 2, "activation": "nope"}, ValueError, "activation must be a Keras"),
        ({"input_shape": (8,), "code_size": 2, "code_activation": 3}, TypeError, "code_activation must be"),
        ({"input_shape": (8,), "code_size": 2, "output_activation": "nope"}, ValueError, "output_activation must"),
        ({"input_shape": (8,), "code_size": 2, "activity_l1": -1e-3}, ValueError, "activity_l1 must be >= 0"),
        ({"input_shape": (8,), "code_size": 2, "activity_l1": "1e-3"}, TypeError, "activity_l1 must be a number"),
        ({"input_shape": (8,), "code_size": 2, "name": ""}, TypeError, "name must be a non-empty str"),
    ],
)
def test_dense_autoencoder_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_dense_autoencoder(**kwargs)


# --- build_conv_autoencoder --------------------------------------------------------------------


def test_conv_autoencoder_keras_example_parameter_count_and_shapes():
    autoencoder, encoder, decoder = build_conv_autoencoder((28, 28, 1))
    assert autoencoder.count_params() == 28_353  # the Keras image-denoising example
    assert encoder.count_params() == (3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 32 + 32)
    assert encoder.output_shape == (None, 7, 7, 32)
    assert encoder.output is encoder.get_layer("code").output
    assert decoder.input_shape == (None, 7, 7, 32) and decoder.output_shape == (None, 28, 28, 1)
    assert autoencoder.output_shape == (None, 28, 28, 1)
    assert decoder.get_layer("reconstruction").activation.__name__ == "sigmoid"
    assert isinstance(decoder.get_layer("decoder_deconv_1"), keras.layers.Conv2DTranspose)
    assert not autoencoder.compiled


def test_conv_autoencoder_filters_channels_and_equivalence():
    autoencoder, encoder, decoder = build_conv_autoencoder((8, 16, 3), filters=(4, 6, 8), kernel_size=(3, 5),
                                                           output_activation=None, name="ae")
    assert encoder.output_shape == (None, 1, 2, 8)
    assert autoencoder.output_shape == (None, 8, 16, 3)
    assert [decoder.get_layer(f"decoder_deconv_{i}").filters for i in (1, 2, 3)] == [8, 6, 4]
    assert encoder.get_layer("encoder_conv_1").kernel_size == (3, 5)
    assert (encoder.name, decoder.name) == ("ae_encoder", "ae_decoder")
    x = np.random.default_rng(1).random((2, 8, 16, 3)).astype("float32")
    np.testing.assert_allclose(autoencoder.predict(x, verbose=0),
                               decoder.predict(encoder.predict(x, verbose=0), verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"input_shape": (28, 28)}, ValueError, "input_shape must have 3 axes"),
        ({"input_shape": (30, 28, 1)}, ValueError, r"divisible by 2\*\*len\(filters\) = 4"),
        ({"input_shape": (28, 28, 1), "filters": (8, 8, 8)}, ValueError, "divisible by 2\\*\\*len\\(filters\\) = 8"),
        ({"input_shape": (28, 28, 1), "filters": ()}, ValueError, "filters must not be empty"),
        ({"input_shape": (28, 28, 1), "kernel_size": 0}, ValueError, "kernel_size must be >= 1"),
        ({"input_shape": (28, 28, 1), "kernel_size": "3"}, TypeError, "kernel_size must be an int or a pair"),
        ({"input_shape": (28, 28, 1), "activation": None}, TypeError, "activation must be an activation name"),
        ({"input_shape": (28, 28, 1), "name": 3}, TypeError, "name must be a non-empty str"),
    ],
)
def test_conv_autoencoder_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_conv_autoencoder(**kwargs)


# --- code_sparsity -----------------------------------------------------------------------------


def test_code_sparsity_values():
    codes = np.array([[0.0, 2.0, 0.005], [0.0, -0.5, 1.0]])
    stats = code_sparsity(codes)
    assert stats["mean_activation"] == pytest.approx((2.0 + 0.005 + 0.5 + 1.0) / 6)
    assert stats["near_zero_fraction"] == pytest.approx(3 / 6)
    assert stats["dead_units"] == 1
    assert code_sparsity(codes, threshold=0.0)["near_zero_fraction"] == pytest.approx(2 / 6)
    assert code_sparsity(np.zeros((2, 3, 3, 4)))["dead_units"] == 36  # feature-map codes are flattened


@pytest.mark.parametrize(
    ("codes", "kwargs", "error", "match"),
    [
        (np.array(["a", "b"]), {}, TypeError, "codes must be an array of real numbers"),
        (np.zeros(4), {}, ValueError, "shape \\(samples, units...\\)"),
        (np.zeros((0, 3)), {}, ValueError, "non-empty"),
        (np.zeros((2, 3)), {"threshold": -0.1}, ValueError, "threshold must be >= 0"),
        (np.zeros((2, 3)), {"threshold": True}, TypeError, "threshold must be a number"),
    ],
)
def test_code_sparsity_validation(codes, kwargs, error, match):
    with pytest.raises(error, match=match):
        code_sparsity(codes, **kwargs)
