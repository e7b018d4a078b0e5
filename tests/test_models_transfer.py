"""Tests of dlcourse.models.transfer: pretrained bases, transfer models, features, fine-tuning.

No ImageNet weights can be downloaded here: the bases are built with ``weights=None`` and small
inputs, and the download is replaced to test the cache, quick-mode and full-mode paths.
"""

import urllib.error

import h5py
import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse.errors import DataUnavailableError
from dlcourse.models import pretrained
from dlcourse.models.transfer import (
    build_transfer_model,
    extract_features,
    preprocess_input_for,
    pretrained_base,
    pretrained_weights_file,
    set_trainable_layers,
)


@pytest.fixture(scope="module")
def mobilenet():
    return pretrained_base("mobilenet_v2", input_shape=(96, 96, 3), weights=None)


@pytest.fixture(scope="module")
def vgg():
    return pretrained_base("vgg16", input_shape=(32, 32, 3), weights=None)


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras" / "models"


def _no_download(exc):
    def download(info):
        raise exc

    return download


def _tiny_base():
    """A stand-in base whose features are the channel means of each image."""
    inputs = keras.Input((8, 8, 3))
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(inputs), name="channel_means")


# --- pretrained_base ---------------------------------------------------------------------------


def test_pretrained_bases_without_weights(mobilenet, vgg):
    assert mobilenet.output_shape == (None, 3, 3, 1280)
    assert vgg.output_shape == (None, 1, 1, 512)
    assert vgg.count_params() == 14_714_688  # the VGG16 convolutional base
    assert not any(isinstance(layer, keras.layers.Dense) for layer in vgg.layers)


def test_weights_file_names():
    mobile = pretrained_weights_file("mobilenet_v2")
    assert mobile.filename == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"
    assert mobile.registry_name == "mobilenet_v2_imagenet"
    assert mobile.origin.endswith("/mobilenet_v2/" + mobile.filename)
    vgg16 = pretrained_weights_file("vgg16")
    assert vgg16.filename == "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert vgg16.registry_name == "vgg16_imagenet"
    assert vgg16.file_hash == "6d6bbae143d832006294945121d1f1fc"


def test_weights_file_lives_in_keras_home(empty_cache):
    assert pretrained_weights_file("vgg16").path == empty_cache / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"


def test_quick_mode_falls_back_to_random_weights(empty_cache, monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    monkeypatch.setattr(pretrained, "_download", _no_download(Exception("URL fetch failure on https://...: None -- x")))
    base = pretrained_base("mobilenet_v2", input_shape=(96, 96, 3))
    assert base.output_shape == (None, 3, 3, 1280)
    notice = capsys.readouterr().out
    assert "RANDOM weights" in notice and "accuracy is meaningless" in notice
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5" in notice
    assert "python -m dlcourse fetch mobilenet_v2_imagenet" in notice


def test_quick_mode_fallback_on_url_error(empty_cache, monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    monkeypatch.setattr(pretrained, "_download", _no_download(urllib.error.URLError("no network")))
    assert pretrained_base("vgg16", input_shape=(32, 32, 3)).output_shape == (None, 1, 1, 512)
    assert "python -m dlcourse fetch vgg16_imagenet" in capsys.readouterr().out


def test_full_mode_raises_data_unavailable(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    monkeypatch.setattr(pretrained, "_download", _no_download(urllib.error.URLError("no network")))
    with pytest.raises(DataUnavailableError) as info:
        pretrained_base("vgg16", input_shape=(32, 32, 3))
    message = info.value.args[0]  # (OSError's str() shows errno/filename once .filename is set)
    assert "python -m dlcourse fetch vgg16_imagenet" in message
    assert "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5" in message
    assert "the vgg16 base" in message and str(empty_cache) in message
    assert info.value.dataset == "vgg16_imagenet"
    assert info.value.filename == "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_full_mode_real_download_failure_is_data_unavailable(empty_cache, monkeypatch):
    """keras.utils.get_file itself, with the URL pointing nowhere, gives DataUnavailableError too."""
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    info = pretrained_weights_file("mobilenet_v2")
    nowhere = pretrained.WeightsFile(info.base, info.filename, "http://127.0.0.1:9/none.h5", None, info.registry_name)
    monkeypatch.setattr(pretrained, "pretrained_weights_file", lambda name: nowhere)
    with pytest.raises(DataUnavailableError) as info:
        pretrained_base("mobilenet_v2", input_shape=(96, 96, 3))
    assert "python -m dlcourse fetch mobilenet_v2_imagenet" in info.value.args[0]
    assert info.value.__context__ is None


def test_other_errors_are_not_swallowed(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    monkeypatch.setattr(pretrained, "_download", _no_download(RuntimeError("a bug")))
    with pytest.raises(RuntimeError, match="a bug"):
        pretrained_base("vgg16", input_shape=(32, 32, 3))


def test_cached_weights_are_loaded(empty_cache, monkeypatch, vgg):
    from keras.src.legacy.saving import legacy_h5_format  # the format of the Keras weights files

    empty_cache.mkdir(parents=True)
    with h5py.File(pretrained_weights_file("vgg16").path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, vgg)
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    monkeypatch.setattr(pretrained, "_download", _no_download(AssertionError("must not download")))
    loaded = pretrained_base("vgg16", input_shape=(32, 32, 3))
    assert all(np.array_equal(a, b) for a, b in zip(vgg.get_weights(), loaded.get_weights()))


def test_size_matched_mobilenet_file_is_preferred(empty_cache, monkeypatch):
    seen = []

    def download(info):
        seen.append(info.filename)
        raise OSError("offline")

    monkeypatch.setattr(pretrained, "_download", download)
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    candidates = pretrained._candidates("mobilenet_v2", (160, 160, 3))
    assert [c.filename.split("1.0_")[1] for c in candidates] == ["160_no_top.h5", "224_no_top.h5"]
    assert [c.filename for c in pretrained._candidates("mobilenet_v2", (150, 150, 3))] == [
        pretrained_weights_file("mobilenet_v2").filename
    ]
    pretrained_base("mobilenet_v2", input_shape=(96, 96, 3))
    assert seen == [pretrained_weights_file("mobilenet_v2").filename]  # the fetchable file is downloaded


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": "resnet50"}, ValueError, r"name must be one of 'mobilenet_v2', 'vgg16'; received name='resnet50'"),
        ({"name": None}, TypeError, r"name must be a base name such as 'mobilenet_v2'; received name=None"),
        ({"input_shape": (96, 96, 1)}, ValueError, r"input_shape must have 3 channels \(last axis\); received input_shape=\(96, 96, 1\)"),
        ({"input_shape": (16, 16, 3)}, ValueError, r"input_shape must be at least 32x32; received input_shape=\(16, 16, 3\)"),
        ({"input_shape": (96, 96)}, ValueError, r"input_shape must have 3 axes"),
        ({"weights": "no/such/file.h5"}, ValueError, r"weights must be 'imagenet', None or an existing file; received weights='no/such/file.h5'"),
        ({"weights": 1}, TypeError, r"weights must be 'imagenet', None or a file path; received weights=1"),
    ],
)
def test_pretrained_base_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        pretrained_base(**kwargs)


def test_preprocess_input_for():
    assert preprocess_input_for("mobilenet_v2") is keras.applications.mobilenet_v2.preprocess_input
    assert preprocess_input_for("vgg16") is keras.applications.vgg16.preprocess_input
    np.testing.assert_allclose(preprocess_input_for("mobilenet_v2")(np.array([0.0, 127.5, 255.0])), [-1, 0, 1])
    with pytest.raises(ValueError, match="name must be one of 'mobilenet_v2', 'vgg16'; received name='inception'"):
        preprocess_input_for("inception")


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
    ],
)
def test_extract_features_validation(data, kwargs, error, message):
    with pytest.raises(error, match=message):
        extract_features(_tiny_base(), data, **kwargs)


def test_extract_features_dataset_errors():
    wrong_rank = tf.data.Dataset.from_tensor_slices(np.zeros((2, 8, 8), "float32"))
    with pytest.raises(ValueError, match=r"data must yield images of rank 3 \(one image\) or 4 \(a batch\)"):
        extract_features(_tiny_base(), wrong_rank)
    empty = tf.data.Dataset.from_tensor_slices(np.zeros((0, 8, 8, 3), "float32")).batch(2)
    with pytest.raises(ValueError, match="data must hold at least one sample; received an empty dataset"):
        extract_features(_tiny_base(), empty)
    with pytest.raises(TypeError, match="base must be a keras.Model"):
        extract_features(None, np.zeros((1, 8, 8, 3)))
