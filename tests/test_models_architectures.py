"""Tests of dlcourse.models.architectures: LeNet-5, AlexNet, VGG-16 (published sizes), the small networks."""

import gc

import keras
import numpy as np
import pytest

from dlcourse.models.architectures import alexnet, lenet5, small_inception, small_resnet, small_vgg, vgg16


def test_lenet5_layer_by_layer():
    model = lenet5()
    assert model.count_params() == 61_706
    counts = {layer.name: layer.count_params() for layer in model.layers}
    assert counts == {
        "inputs": 0, "C1": 156, "S2": 0, "C3": 2_416, "S4": 0, "C5": 48_120, "flatten": 0, "F6": 10_164,
        "predictions": 850,
    }
    shapes = {name: model.get_layer(name).output.shape[1:] for name in ("C1", "S2", "C3", "S4", "C5")}
    assert shapes == {"C1": (28, 28, 6), "S2": (14, 14, 6), "C3": (10, 10, 16), "S4": (5, 5, 16), "C5": (1, 1, 120)}
    assert isinstance(model.get_layer("S2"), keras.layers.AveragePooling2D)
    assert model.get_layer("C1").activation.__name__ == "tanh"
    assert model.get_layer("predictions").activation.__name__ == "softmax"
    assert model.name == "lenet5" and not model.compiled


def test_lenet5_options():
    mnist = lenet5((28, 28, 1), padding="same", activation="relu")
    assert mnist.count_params() == 61_706
    assert mnist.get_layer("C1").output.shape[1:] == (28, 28, 6)
    assert mnist.get_layer("F6").activation.__name__ == "relu"
    assert lenet5(num_classes=2).output_shape == (None, 2)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (((28, 28, 1),), {}, ValueError, r"input_shape=\(28, 28, 1\) is too small for LeNet-5 with padding='valid': C5 needs a 5x5 map"),
        (((32, 32, 1), 1), {}, ValueError, r"num_classes must be >= 2 for a softmax head; received num_classes=1"),
        (((32, 32, 1),), {"padding": "causal"}, ValueError, r"padding must be one of 'valid', 'same'; received padding='causal'"),
        (((32, 32, 1),), {"activation": "tanhh"}, ValueError, r"activation must be a Keras activation name"),
        (((32, 32),), {}, ValueError, r"input_shape must have 3 axes"),
        (((32, 32, 1),), {"name": 5}, TypeError, r"name must be a non-empty str; received name=5"),
    ],
)
def test_lenet5_validation(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        lenet5(*args, **kwargs)


def test_alexnet_default_size():
    model = alexnet()
    assert model.count_params() == 62_378_344
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}
    assert counts == {
        "conv1": 34_944, "conv2": 614_656, "conv3": 885_120, "conv4": 1_327_488, "conv5": 884_992,
        "fc6": 37_752_832, "fc7": 16_781_312, "predictions": 4_097_000,
    }
    assert model.get_layer("conv1").output.shape[1:] == (55, 55, 96)
    assert model.get_layer("pool5").output.shape[1:] == (6, 6, 256)
    assert [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)] == [0.5, 0.5]
    del model
    gc.collect()


def test_alexnet_small_images():
    model = alexnet((32, 32, 3), 10, width=0.25, kernel_size=3, strides=1, dense_units=256, dropout_rate=0.0)
    assert model.count_params() == 367_082
    assert model.get_layer("conv1").filters == 24
    assert model.get_layer("pool5").output.shape[1:] == (2, 2, 64)
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in model.layers)
    assert model.predict(np.zeros((2, 32, 32, 3), "float32"), verbose=0).shape == (2, 10)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (((32, 32, 3), 10), {}, ValueError, r"input_shape=\(32, 32, 3\) is too small for AlexNet with kernel_size=\(11, 11\), strides=\(4, 4\): pool2 gets a 2-pixel map.*kernel_size=3, strides=1"),
        (((227, 227, 3),), {"width": 0}, ValueError, r"width must be > 0.0; received width=0.0"),
        (((227, 227, 3),), {"dropout_rate": 1}, ValueError, r"dropout_rate must be < 1.0; received dropout_rate=1.0"),
        (((227, 227, 3),), {"dense_units": 0}, ValueError, r"dense_units must be >= 1; received dense_units=0"),
        (((227, 227, 3),), {"strides": 0}, ValueError, r"strides must be >= 1; received strides=0"),
        (((227, 227, 3), 0), {}, ValueError, r"num_classes must be >= 2 for a softmax head; received num_classes=0"),
    ],
)
def test_alexnet_validation(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        alexnet(*args, **kwargs)


def test_vgg16_matches_keras_applications():
    ours = vgg16()
    ours_counts = [(layer.name, layer.count_params()) for layer in ours.layers[1:]]  # the input layer's name varies
    assert ours.count_params() == 138_357_544
    del ours
    gc.collect()
    reference = keras.applications.VGG16(weights=None)
    reference_counts = [(layer.name, layer.count_params()) for layer in reference.layers[1:]]
    assert reference.count_params() == 138_357_544
    del reference
    gc.collect()
    assert ours_counts == reference_counts
    assert dict(ours_counts)["fc1"] == 102_764_544


def test_vgg16_small_variant():
    model = vgg16((32, 32, 3), 10, width=0.25, dense_units=64, dropout_rate=0.5)
    assert model.get_layer("block1_conv1").filters == 16
    assert model.get_layer("block5_pool").output.shape[1:] == (1, 1, 128)
    assert len([layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]) == 2
    assert model.output_shape == (None, 10)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (((16, 16, 3),), {}, ValueError, r"input_shape must be at least 32x32; received input_shape=\(16, 16, 3\)"),
        (((224, 224, 3),), {"width": -1.0}, ValueError, r"width must be > 0.0"),
        (((224, 224, 3),), {"dense_units": 2.5}, TypeError, r"dense_units must be an int; received dense_units=2.5"),
        (((224, 224, 3), None), {}, ValueError, r"num_classes is required for task='multiclass'"),
    ],
)
def test_vgg16_validation(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        vgg16(*args, **kwargs)


# --- the small networks of notebook 12 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "params", "layer"),
    [(small_vgg, 72_442, "block3_pool"), (small_inception, 43_210, "inception_c_concat"), (small_resnet, 78_426, "stage3_block1_out")],
)
def test_small_networks(builder, params, layer):
    model = builder()
    assert model.count_params() == params
    assert isinstance(model.get_layer("global_average"), keras.layers.GlobalAveragePooling2D)
    assert model.output_shape == (None, 10)
    assert model.get_layer(layer).output.shape[1:3] in ((3, 3), (7, 7))
    assert builder((32, 32, 3), 5).output_shape == (None, 5)


def test_small_networks_pass_gradients_to_every_weight():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(4, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, size=4)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    for builder in (small_vgg, small_inception, small_resnet):
        model = builder(dropout_rate=0.2)
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        assert np.isfinite(float(loss))
        assert all(g is not None and np.any(keras.ops.convert_to_numpy(g) != 0) for g in grads), model.name


def test_small_network_options():
    vgg = small_vgg(filters=(8, 16), convs_per_block=1, batch_norm=True)
    assert vgg.get_layer("block2_pool").output.shape[1:] == (7, 7, 16)
    resnet = small_resnet(filters=(8, 16), blocks_per_stage=2)
    assert resnet.get_layer("stage2_block2_out").output.shape[1:] == (14, 14, 16)
    assert "stage2_block2_proj" not in [layer.name for layer in resnet.layers]
    assert small_inception(stem_filters=8).get_layer("stem_conv").filters == 8


@pytest.mark.parametrize(
    ("builder", "kwargs", "error", "message"),
    [
        (small_vgg, {"input_shape": (4, 4, 1)}, ValueError, r"input_shape must be at least 8x8; received input_shape=\(4, 4, 1\)"),
        (small_vgg, {"filters": ()}, ValueError, r"filters must not be empty"),
        (small_vgg, {"convs_per_block": 0}, ValueError, r"convs_per_block must be >= 1"),
        (small_vgg, {"num_classes": 1}, ValueError, r"num_classes must be >= 2 for a softmax head; received num_classes=1"),
        (small_inception, {"input_shape": (3, 3, 1)}, ValueError, r"input_shape must be at least 4x4"),
        (small_inception, {"stem_filters": 0}, ValueError, r"stem_filters must be >= 1"),
        (small_inception, {"dropout_rate": 1.0}, ValueError, r"dropout_rate must be < 1.0"),
        (small_resnet, {"blocks_per_stage": 0}, ValueError, r"blocks_per_stage must be >= 1; received blocks_per_stage=0"),
        (small_resnet, {"filters": (16, "32")}, TypeError, r"filters must hold ints"),
        (small_resnet, {"name": ""}, TypeError, r"name must be a non-empty str"),
    ],
)
def test_small_network_validation(builder, kwargs, error, message):
    with pytest.raises(error, match=message):
        builder(**kwargs)
