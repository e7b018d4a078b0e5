"""Tests of dlcourse.models.transfer: transfer models, feature extraction, fine-tuning.

The bases are built with ``weights=None`` and small inputs (no ImageNet weights are downloaded).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse.models.transfer import build_transfer_model, extract_features, set_trainable_layers


def _tiny_base():
    """A stand-in base whose features are the channel means of each image."""
    inputs = keras.Input((8, 8, 3))
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(inputs), name="channel_means")


# --- build_transfer_model and set_trainable_layers ---------------------------------------------


def test_frozen_base_trains_only_the_head(vgg):
    model = build_transfer_model(vgg, "multiclass", num_classes=5)
    assert [layer.name for layer in model.layers] == ["inputs", "vgg16", "global_average", "dropout", "predictions"]
    assert not vgg.trainable
    assert len(model.trainable_weights) == 2
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 512 * 5 + 5
    assert model.count_params() == vgg.count_params() + 2565
    assert model.get_layer("dropout").rate == 0.2
    assert model.output_shape == (None, 5)
    assert not model.compiled


def test_top_layers_trainable(vgg):
    model = build_transfer_model(vgg, "binary", trainable_layers=4, dense_units=(16,), dropout_rate=0.0)
    trainable = [layer.name for layer in vgg.layers if layer.trainable and layer.weights]
    assert trainable == ["block5_conv1", "block5_conv2", "block5_conv3"]
    # three 3x3x512x512 convolutions + Dense(16) + Dense(1)
    expected = 3 * (3 * 3 * 512 * 512 + 512) + (512 * 16 + 16) + 17
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == expected
    set_trainable_layers(vgg, 0)
    assert len(model.trainable_weights) == 4


def test_batch_norm_stays_frozen_and_inference_mode(mobilenet):
    model = build_transfer_model(mobilenet, "binary", trainable_layers=3, dropout_rate=0.0)
    assert mobilenet.get_layer("Conv_1").trainable
    assert not mobilenet.get_layer("Conv_1_bn").trainable
    assert not any(
        layer.trainable for layer in mobilenet.layers if isinstance(layer, keras.layers.BatchNormalization)
    )
    assert len(model.trainable_weights) == 3  # Conv_1's kernel + the head's kernel and bias
    x = np.random.default_rng(0).uniform(0, 255, size=(2, 96, 96, 3)).astype("float32")
    # the base runs with training=False: BatchNormalization uses its moving statistics either way
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(x, training=True)), keras.ops.convert_to_numpy(model(x, training=False)),
        rtol=1e-5, atol=1e-6,
    )
    set_trainable_layers(mobilenet, 0)


def test_preprocess_inside_the_model_and_save(mobilenet, tmp_path):
    model = build_transfer_model(mobilenet, "binary", preprocess="mobilenet_v2", pooling="max", dropout_rate=0.0)
    x = np.random.default_rng(1).uniform(0, 255, size=(2, 96, 96, 3)).astype("float32")
    features = keras.Model(model.input, model.get_layer("global_max").output)(x)
    expected = np.max(keras.ops.convert_to_numpy(mobilenet(x / 127.5 - 1.0, training=False)), axis=(1, 2))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(features), expected, rtol=1e-4, atol=1e-4)
    path = tmp_path / "transfer.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5)


def test_augmentation_flatten_and_vector_base(vgg):
    model = build_transfer_model(vgg, "binary", augmentation="default", pooling="flatten")
    assert [layer.name for layer in model.layers][:3] == ["inputs", "augmentation", "vgg16"]
    assert isinstance(model.get_layer("flatten"), keras.layers.Flatten)
    vector_model = build_transfer_model(_tiny_base(), "regression", pooling=None, dropout_rate=0.0)
    assert vector_model.count_params() == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"base": "vgg16"}, TypeError, r"base must be a keras.Model such as pretrained_base\('mobilenet_v2'\); received base of type str"),
        ({"task": "multiclass"}, ValueError, r"num_classes is required for task='multiclass'"),
        ({"trainable_layers": -1}, ValueError, r"trainable_layers must be >= 0; received trainable_layers=-1"),
        ({"trainable_layers": 99}, ValueError, r"trainable_layers must be <= 18; received trainable_layers=99"),
        ({"trainable_layers": 1.5}, TypeError, r"trainable_layers must be an int"),
        ({"preprocess": 5}, TypeError, r"preprocess must be None, a base name such as 'mobilenet_v2' or a function .*received preprocess=5"),
        ({"preprocess": "resnet"}, ValueError, r"name must be one of 'mobilenet_v2', 'vgg16'"),
        ({"augmentation": "heavy"}, ValueError, r"augmentation must be None, 'default' or a Keras layer"),
        ({"pooling": "mean"}, ValueError, r"pooling must be one of 'avg', 'max', 'flatten', None; received pooling='mean'"),
        ({"pooling": None}, ValueError, r"pooling=None needs a base that outputs vectors; received base 'vgg16'"),
        ({"dense_units": (0,)}, ValueError, r"every entry of dense_units must be >= 1"),
        ({"activation": "sigmoidal"}, ValueError, r"activation must be a Keras activation name"),
        ({"dropout_rate": 1.5}, ValueError, r"dropout_rate must be <= 1.0|dropout_rate must be < 1.0; received dropout_rate=1.5"),
        ({"name": ""}, TypeError, r"name must be a non-empty str"),
    ],
)
def test_build_transfer_model_validation(vgg, kwargs, error, message):
    args = {"base": vgg, "task": "binary", **kwargs}
    with pytest.raises(error, match=message):
        build_transfer_model(args.pop("base"), args.pop("task"), **args)


def test_pooling_on_vector_base_is_rejected():
    with pytest.raises(ValueError, match=r"pooling='avg' needs a base that outputs feature maps \(4D\); received base 'channel_means'"):
        build_transfer_model(_tiny_base(), "binary")


def test_set_trainable_layers(vgg):
    assert set_trainable_layers(vgg, 2) is vgg
    assert [layer.name for layer in vgg.layers[1:] if layer.trainable] == ["block5_conv3", "block5_pool"]
    assert len(vgg.trainable_weights) == 2
    set_trainable_layers(vgg, 0)
    assert not vgg.trainable and not vgg.trainable_weights
    with pytest.raises(ValueError, match=r"n must be <= 18; received n=20"):
        set_trainable_layers(vgg, 20)
    assert set_trainable_layers(vgg, 18).trainable and len(vgg.trainable_weights) == 26
    with pytest.raises(ValueError, match=r"n must be >= 0; received n=-3"):
        set_trainable_layers(vgg, -3)
    with pytest.raises(TypeError, match=r"base must be a keras.Model"):
        set_trainable_layers([vgg], 1)


# --- extract_features --------------------------------------------------------------------------


def _images(n):
    values = np.arange(n, dtype="float32")
    return np.broadcast_to(values[:, None, None, None], (n, 8, 8, 3)).copy(), values.astype("int64")


def test_extract_features_from_array():
    images, _ = _images(5)
    features, labels = extract_features(_tiny_base(), images, batch_size=2)
    assert features.shape == (5, 3) and labels is None
    np.testing.assert_allclose(features[:, 0], np.arange(5))


def test_extract_features_runs_the_base_in_inference_mode():
    inputs = keras.Input((4,))
    x = keras.layers.Dense(8)(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.5)(x)
    base = keras.Model(inputs, x)
    data = np.random.default_rng(0).normal(size=(10, 4)).astype("float32")
    features, _ = extract_features(base, data, batch_size=4)  # batches of 4, 4 and 2
    expected = keras.ops.convert_to_numpy(base(data, training=False))  # no dropout, moving BN statistics
    np.testing.assert_allclose(features, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(extract_features(base, data, batch_size=4)[0], features)  # deterministic


def test_extract_features_from_array_pair_with_preprocess():
    images, targets = _images(3)
    before = images.copy()
    features, labels = extract_features(_tiny_base(), (images, targets), preprocess="mobilenet_v2")
    np.testing.assert_allclose(features[:, 1], np.arange(3) / 127.5 - 1, rtol=1e-6)
    np.testing.assert_array_equal(labels, targets)
    np.testing.assert_array_equal(images, before)  # the caller's array is not preprocessed in place


def test_extract_features_from_shuffled_dataset_keeps_labels_aligned():
    images, targets = _images(7)
    dataset = tf.data.Dataset.from_tensor_slices((images, targets)).shuffle(7, seed=0).batch(3)
    features, labels = extract_features(_tiny_base(), dataset)
    assert features.shape == (7, 3) and labels.shape == (7,)
    np.testing.assert_allclose(features[:, 0], labels)


def test_extract_features_unbatched_and_unlabelled_datasets(mobilenet):
    images, targets = _images(4)
    unbatched = tf.data.Dataset.from_tensor_slices((images, targets))
    features, labels = extract_features(_tiny_base(), unbatched, batch_size=3)
    assert features.shape == (4, 3)
    np.testing.assert_array_equal(labels, targets)
    only_images = tf.data.Dataset.from_tensor_slices(np.zeros((3, 96, 96, 3), "float32")).batch(2)
    features, labels = extract_features(mobilenet, only_images, preprocess="mobilenet_v2")
    assert features.shape == (3, 3, 3, 1280) and labels is None


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "message"),
    [
        ([[0.0]], {}, TypeError, r"data must be a tf.data.Dataset, a NumPy array of images or a tuple \(images, labels\); received data of type list"),
        (np.zeros((8, 8, 3)), {}, ValueError, r"data must be an array of rank 4 .*received data of shape \(8, 8, 3\)"),
        (np.zeros((0, 8, 8, 3)), {}, ValueError, r"data must hold at least one sample"),
        ((np.zeros((2, 8, 8, 3)), np.zeros(3)), {}, ValueError, r"data's images and labels must have the same length; received 2 and 3"),
        (np.zeros((2, 8, 8, 3)), {"batch_size": 0}, ValueError, r"batch_size must be >= 1; received batch_size=0"),
        (np.zeros((2, 8, 8, 3)), {"preprocess": 3}, TypeError, r"preprocess must be None"),
        (np.zeros((2, 8, 8, 3)), {"verbose": -1}, ValueError, r"verbose must be >= 0; received verbose=-1"),
        (np.zeros((2, 9, 8, 3)), {}, ValueError, r"data must hold samples of shape \(8, 8, 3\) to fit model 'channel_means'; received data with shape \(2, 9, 8, 3\)"),
        (np.full((2, 8, 8, 3), np.nan), {}, ValueError, r"data must hold finite numbers; received data with 384 NaN or infinite value\(s\), the first at index \(0, 0, 0, 0\)"),
        ((np.array([[[[0.0, np.inf, 0.0]] * 8] * 8]), np.zeros(1)), {}, ValueError, r"data must hold finite numbers; received data with 64 NaN or infinite"),
    ],
)
def test_extract_features_validation(data, kwargs, error, message):
    with pytest.raises(error, match=message):
        extract_features(_tiny_base(), data, **kwargs)


def test_extract_features_checks_the_whole_array_before_running_the_base(monkeypatch):
    images, _ = _images(5)
    images[4, 0, 0, 0] = np.nan  # in the last batch
    base = _tiny_base()
    calls = []
    monkeypatch.setattr(base, "predict_on_batch", lambda batch: calls.append(batch))
    with pytest.raises(ValueError, match=r"data must hold finite numbers; .* the first at index \(4, 0, 0, 0\)"):
        extract_features(base, images, batch_size=2)
    assert calls == []  # no batch ran


def test_extract_features_progress_bar_counts_batches(capsys):
    images, _ = _images(5)
    extract_features(_tiny_base(), images, batch_size=2)
    assert "3/3" in capsys.readouterr().err
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(2)
    extract_features(_tiny_base(), dataset)
    assert "3/3" in capsys.readouterr().err
    extract_features(_tiny_base(), images, batch_size=2, verbose=0)
    extract_features(_tiny_base(), dataset, verbose=0)
    assert capsys.readouterr().err == ""


def test_extract_features_dataset_errors():
    wrong_rank = tf.data.Dataset.from_tensor_slices(np.zeros((2, 8, 8), "float32"))
    with pytest.raises(ValueError, match=r"data must yield images of rank 3 \(one image\) or 4 \(a batch\)"):
        extract_features(_tiny_base(), wrong_rank)
    wrong_size = tf.data.Dataset.from_tensor_slices((np.zeros((2, 8, 9, 3), "float32"), np.zeros(2)))
    with pytest.raises(ValueError, match=r"data must yield images of shape \(8, 8, 3\) to fit base 'channel_means'; received images of shape \(8, 9, 3\)"):
        extract_features(_tiny_base(), wrong_size)
    with_inf = tf.data.Dataset.from_tensor_slices(np.full((3, 8, 8, 3), np.inf, "float32")).batch(2)
    with pytest.raises(ValueError, match=r"data must hold finite numbers; received data with 384 NaN or infinite"):
        extract_features(_tiny_base(), with_inf)
    empty = tf.data.Dataset.from_tensor_slices(np.zeros((0, 8, 8, 3), "float32")).batch(2)
    with pytest.raises(ValueError, match="data must hold at least one sample; received an empty dataset"):
        extract_features(_tiny_base(), empty)
    with pytest.raises(TypeError, match="base must be a keras.Model"):
        extract_features(None, np.zeros((1, 8, 8, 3)))
