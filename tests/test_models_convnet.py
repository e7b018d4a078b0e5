"""Tests of dlcourse.models.convnet.build_convnet."""

import keras
import numpy as np
import pytest

from dlcourse.models.regularization import augmentation_block
from dlcourse.models.convnet import build_convnet, fast_convnet


def _types(model, cls):
    return [layer for layer in model.layers if isinstance(layer, cls)]


def test_mnist_convnet_93322():
    """Chollet, Deep Learning with Python 2nd ed., listing 8.1/8.2."""
    model = build_convnet((28, 28, 1), "multiclass", num_classes=10)
    assert model.count_params() == 93_322
    assert model.name == "convnet" and not model.compiled
    assert [layer.name for layer in model.layers] == [
        "inputs", "conv_1", "pool_1", "conv_2", "pool_2", "conv_3", "flatten", "hidden_1", "predictions",
    ]
    assert model.get_layer("conv_3").output.shape == (None, 3, 3, 64)
    assert [model.get_layer(n).count_params() for n in ("conv_1", "conv_2", "conv_3", "hidden_1", "predictions")] == [
        320, 18_496, 36_928, 36_928, 650,
    ]
    out = model.predict(np.zeros((2, 28, 28, 1), dtype="float32"), verbose=0)
    assert out.shape == (2, 10)


def test_cats_vs_dogs_convnet_991041():
    """Chollet, Deep Learning with Python 2nd ed., listing 8.7."""
    model = build_convnet(
        (180, 180, 3), "binary", filters=(32, 64, 128, 256, 256), dense_units=(), rescale=1 / 255
    )
    assert model.count_params() == 991_041
    assert model.get_layer("rescaling").scale == pytest.approx(1 / 255)
    assert model.get_layer("conv_5").output.shape == (None, 7, 7, 256)
    assert model.get_layer("predictions").activation.__name__ == "sigmoid"
    assert model.output_shape == (None, 1)


def test_augmentation_rescale_and_dropout_order():
    """Listing 8.16: augmentation, rescaling, the convnet, dropout 0.5 before the head."""
    model = build_convnet(
        (180, 180, 3), "binary", filters=(32, 64, 128, 256, 256), dense_units=(), rescale=1 / 255,
        augmentation="default", dropout_rate=0.5,
    )
    names = [layer.name for layer in model.layers]
    assert names[:3] == ["inputs", "augmentation", "rescaling"]
    assert names[-2:] == ["dropout", "predictions"]
    assert model.get_layer("dropout").rate == 0.5
    assert model.count_params() == 991_041
    assert isinstance(model.get_layer("augmentation"), keras.Sequential)


def test_custom_augmentation_layer():
    block = augmentation_block(rotation=0, name="my_aug")
    model = build_convnet((32, 32, 3), "multiclass", num_classes=10, augmentation=block)
    assert model.get_layer("my_aug") is block
    flip = keras.layers.RandomFlip("vertical", name="flip_only")
    assert build_convnet((32, 32, 3), "binary", augmentation=flip).get_layer("flip_only") is flip


def test_pool_last_and_global_average_top():
    model = build_convnet((32, 32, 3), "binary", filters=(8, 16), pool_last=True, top="global_average", dense_units=())
    assert [layer.name for layer in model.layers] == [
        "inputs", "conv_1", "pool_1", "conv_2", "pool_2", "global_average", "predictions",
    ]
    assert model.get_layer("pool_2").output.shape == (None, 6, 6, 16)
    assert isinstance(model.get_layer("global_average"), keras.layers.GlobalAveragePooling2D)
    assert isinstance(build_convnet((32, 32, 3), "binary", top="global_max").get_layer("global_max"), keras.layers.GlobalMaxPooling2D)


def test_pooling_variants_padding_strides():
    average = build_convnet((32, 32, 3), "binary", filters=(8, 8), pooling="average", pool_size=(2, 2))
    assert isinstance(average.get_layer("pool_1"), keras.layers.AveragePooling2D)
    none = build_convnet((16, 16, 3), "binary", filters=(8, 8), pooling=None, padding="same", strides=2, kernel_size=(3, 5))
    assert not _types(none, keras.layers.MaxPooling2D)
    assert none.get_layer("conv_2").output.shape == (None, 4, 4, 8)
    assert none.get_layer("conv_1").kernel_size == (3, 5)


def test_batch_norm_blocks():
    model = build_convnet((28, 28, 1), "multiclass", num_classes=10, batch_norm=True)
    assert len(_types(model, keras.layers.BatchNormalization)) == 4  # three conv blocks, one dense layer
    conv = model.get_layer("conv_1")
    assert not conv.use_bias and conv.activation.__name__ == "linear"
    names = [layer.name for layer in model.layers]
    assert names[1:5] == ["conv_1", "conv_1_bn", "conv_1_act", "pool_1"]


def test_regularization_on_conv_and_dense_kernels():
    model = build_convnet((28, 28, 1), "multiclass", num_classes=10, l2=1e-4, max_norm=2.0, dropout_rate=0.3)
    for name in ("conv_1", "conv_2", "conv_3", "hidden_1"):
        layer = model.get_layer(name)
        assert isinstance(layer.kernel_regularizer, keras.regularizers.L2)
        assert isinstance(layer.kernel_constraint, keras.constraints.MaxNorm)
    assert model.get_layer("conv_1").kernel_constraint.axis == [0, 1, 2]
    assert model.get_layer("hidden_1").kernel_constraint.axis == 0
    assert model.get_layer("predictions").kernel_regularizer is None
    assert len(model.losses) == 4
    assert len(_types(model, keras.layers.Dropout)) == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (((28, 28), "binary"), {}, ValueError, r"input_shape must have 3 axes; received input_shape=\(28, 28\) with 2"),
        ((28, "binary"), {}, TypeError, r"input_shape must be a tuple of ints"),
        (((28, 28, 1), "multiclass"), {}, ValueError, r"num_classes is required for task='multiclass'"),
        (((28, 28, 1), "binary"), {"filters": ()}, ValueError, r"filters must not be empty; received filters=\(\)"),
        (((28, 28, 1), "binary"), {"filters": (32, -1)}, ValueError, r"every entry of filters must be >= 1"),
        (((28, 28, 1), "binary"), {"kernel_size": 0}, ValueError, r"kernel_size must be >= 1; received kernel_size=0"),
        (((28, 28, 1), "binary"), {"kernel_size": (3, 3, 3)}, TypeError, r"kernel_size must be an int or a pair of ints"),
        (((28, 28, 1), "binary"), {"strides": "1"}, TypeError, r"strides must be an int or a pair of ints .*received strides='1'"),
        (((28, 28, 1), "binary"), {"padding": "full"}, ValueError, r"padding must be one of 'valid', 'same'; received padding='full'"),
        (((28, 28, 1), "binary"), {"pooling": "min"}, ValueError, r"pooling must be one of 'max', 'average', None; received pooling='min'"),
        (((28, 28, 1), "binary"), {"pool_size": 0}, ValueError, r"pool_size must be >= 1"),
        (((28, 28, 1), "binary"), {"pool_last": 1}, TypeError, r"pool_last must be a bool; received pool_last=1"),
        (((28, 28, 1), "binary"), {"top": "dense"}, ValueError, r"top must be one of 'flatten', 'global_average', 'global_max'; received top='dense'"),
        (((28, 28, 1), "binary"), {"augmentation": "strong"}, ValueError, r"augmentation must be None, 'default' or a Keras layer; received augmentation='strong'"),
        (((28, 28, 1), "binary"), {"augmentation": 5}, TypeError, r"augmentation must be None, 'default' or a Keras layer .*received augmentation of type int"),
        (((28, 28, 1), "binary"), {"rescale": 0}, ValueError, r"rescale must be > 0.0; received rescale=0.0"),
        (((28, 28, 1), "binary"), {"rescale": "1/255"}, TypeError, r"rescale must be a number"),
        (((28, 28, 1), "binary"), {"dense_units": (0,)}, ValueError, r"every entry of dense_units must be >= 1"),
        (((28, 28, 1), "binary"), {"dropout_rate": 1.2}, ValueError, r"dropout_rate must be < 1.0; received dropout_rate=1.2"),
        (((28, 28, 1), "binary"), {"activation": "relu6x"}, ValueError, r"activation must be a Keras activation name"),
        (((28, 28, 1), "binary"), {"l2": -1.0}, ValueError, r"l2 must be >= 0.0"),
        (((28, 28, 1), "binary"), {"max_norm": -1}, ValueError, r"max_norm must be > 0.0"),
        (((28, 28, 1), "binary"), {"batch_norm": None}, TypeError, r"batch_norm must be a bool"),
        (((28, 28, 1), "binary"), {"name": None}, TypeError, r"name must be a non-empty str; received name=None"),
    ],
)
def test_validation(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        build_convnet(*args, **kwargs)


def test_too_small_input():
    with pytest.raises(ValueError, match=r"input_shape=\(28, 28, 1\) is too small for filters=\(32, 64, 64, 64\): conv block 4 gets a 1-pixel-wide map"):
        build_convnet((28, 28, 1), "binary", filters=(32, 64, 64, 64))
    with pytest.raises(ValueError, match=r"input_shape=\(8, 8, 1\) is too small .*the pooling after conv block 2 gets a 2-pixel-wide map"):
        build_convnet((8, 8, 1), "binary", filters=(4, 4), pool_size=3, pool_last=True, padding="same")
    # "same" padding keeps the map, so the same blocks fit
    assert build_convnet((28, 28, 1), "binary", filters=(32, 64, 64, 64), padding="same").output_shape == (None, 1)


# --- fast_convnet --------------------------------------------------------------------------------


def _fast_by_hand(input_shape=(28, 28, 1), num_classes=10, filters=(32, 64, 128)):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for n in filters:
        x = keras.layers.Conv2D(n, 3, strides=2, padding="same", use_bias=False)(x)
        x = keras.layers.BatchNormalization(momentum=0.9)(x)
        x = keras.layers.Activation("relu")(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax", dtype="float32")(x))


def test_fast_convnet_parameters_and_feature_maps():
    model = fast_convnet((28, 28, 1), "multiclass", num_classes=10)
    # conv 288 + 18,432 + 73,728; batch norm 4 x (32 + 64 + 128); dense 2,048 x 10 + 10
    assert model.count_params() == 288 + 18_432 + 73_728 + 4 * 224 + 20_490 == 113_834
    assert [model.get_layer(f"conv_{i}").output.shape[1:] for i in (1, 2, 3)] == [(14, 14, 32), (7, 7, 64), (4, 4, 128)]
    assert not any(isinstance(layer, keras.layers.MaxPooling2D) for layer in model.layers)
    assert model.output.shape == (None, 10)


def test_fast_convnet_is_the_hand_written_network():
    built, by_hand = fast_convnet((28, 28, 1), "multiclass", num_classes=10), _fast_by_hand()
    def configs(model):
        return [{k: v for k, v in layer.get_config().items() if k != "name"} | {"class": type(layer).__name__}
                for layer in model.layers]
    assert configs(built) == configs(by_hand)


def test_fast_convnet_same_seed_same_numbers():
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype="float32")
    outputs = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        outputs.append(fast_convnet((28, 28, 1), "multiclass", num_classes=10).predict(x, verbose=0))
    np.testing.assert_array_equal(outputs[0], outputs[1])


def test_fast_convnet_binary_head_and_options():
    model = fast_convnet((64, 64, 3), "binary", filters=(16, 32), dropout_rate=0.5, rescale=1 / 255)
    assert model.output.shape == (None, 1)
    assert model.get_layer("dropout").rate == 0.5 and model.get_layer("rescaling").scale == pytest.approx(1 / 255)
    assert model.get_layer("conv_2").output.shape[1:] == (16, 16, 32)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(filters=()), ValueError, "filters must not be empty"),
    (dict(dropout_rate=1.0), ValueError, "dropout_rate must be < 1.0; received dropout_rate=1.0"),
    (dict(num_classes=None), ValueError, "num_classes"),
    (dict(rescale=0.0), ValueError, "rescale must be > 0.0; received rescale=0.0"),
    (dict(augmentation="strong"), ValueError, "augmentation"),
    (dict(name=""), TypeError, "name must be a non-empty str"),
])
def test_fast_convnet_validation(kwargs, error, match):
    args = dict(num_classes=10) | kwargs
    with pytest.raises(error, match=match):
        fast_convnet((28, 28, 1), "multiclass", **args)
