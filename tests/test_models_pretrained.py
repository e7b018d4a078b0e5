"""Tests of dlcourse.models.pretrained: ImageNet bases and classifiers, their weights and preprocessing.

No ImageNet weights can be downloaded here: the networks are built with ``weights=None`` and small
inputs, and ``keras.utils.get_file`` is replaced to test the cache, quick-mode and full-mode paths.
VGG16 with its top (138 M parameters) is never built.
"""

import urllib.error

import h5py
import keras
import numpy as np
import pytest

from dlcourse.errors import DataUnavailableError
from dlcourse.models.pretrained import imagenet_classifier, preprocess_input_for, pretrained_base

MOBILENET_V2_NOTOP_224 = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"
VGG16_NOTOP = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"


@pytest.fixture(scope="module")
def classifier():
    return imagenet_classifier("mobilenet_v2", weights=None)


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras" / "models"


def _get_file_raises(monkeypatch, exc, seen=None):
    """Replaces keras.utils.get_file (the download) by one that records the file name and raises ``exc``."""

    def get_file(fname, origin, **kwargs):
        if seen is not None:
            seen.append((fname, origin, kwargs))
        raise exc

    monkeypatch.setattr(keras.utils, "get_file", get_file)


def _save_weights(model, path):
    # keras.applications loads its weights files in the legacy HDF5 layout, which only this private writer
    # produces (model.save_weights writes the new .weights.h5 layout). Checked with keras 3.15.
    from keras.src.legacy.saving import legacy_h5_format

    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def _same_weights(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))


# --- pretrained_base ---------------------------------------------------------------------------


def test_pretrained_bases_without_weights(mobilenet, vgg):
    assert mobilenet.output_shape == (None, 3, 3, 1280)
    assert vgg.output_shape == (None, 1, 1, 512)
    assert vgg.count_params() == 14_714_688  # the VGG16 convolutional base
    assert not any(isinstance(layer, keras.layers.Dense) for layer in vgg.layers)


def test_download_goes_to_the_keras_cache_with_the_keras_file_names(empty_cache, monkeypatch):
    seen = []
    _get_file_raises(monkeypatch, OSError("offline"), seen)
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    pretrained_base("vgg16", input_shape=(32, 32, 3))
    pretrained_base("mobilenet_v2", input_shape=(150, 150, 3))
    (vgg_name, vgg_origin, vgg_kwargs), (mobile_name, mobile_origin, mobile_kwargs) = seen
    assert vgg_name == VGG16_NOTOP and vgg_origin.endswith("/vgg16/" + VGG16_NOTOP)
    assert vgg_kwargs["file_hash"] == "6d6bbae143d832006294945121d1f1fc"
    assert mobile_name == MOBILENET_V2_NOTOP_224 and mobile_origin.endswith("/mobilenet_v2/" + mobile_name)
    assert mobile_kwargs["file_hash"] is None
    assert vgg_kwargs["cache_dir"] == str(empty_cache.parent) and vgg_kwargs["cache_subdir"] == "models"


def test_quick_mode_falls_back_to_random_weights(empty_cache, monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    _get_file_raises(monkeypatch, Exception("URL fetch failure on https://...: None -- x"))
    base = pretrained_base("mobilenet_v2", input_shape=(96, 96, 3))
    assert base.output_shape == (None, 3, 3, 1280)
    notice = capsys.readouterr().out
    assert "RANDOM weights" in notice and "accuracy is meaningless" in notice
    assert MOBILENET_V2_NOTOP_224 in notice
    assert "python -m dlcourse fetch mobilenet_v2_imagenet" in notice


def test_quick_mode_fallback_on_url_error(empty_cache, monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    _get_file_raises(monkeypatch, urllib.error.URLError("no network"))
    assert pretrained_base("vgg16", input_shape=(32, 32, 3)).output_shape == (None, 1, 1, 512)
    assert "python -m dlcourse fetch vgg16_imagenet" in capsys.readouterr().out


def test_full_mode_raises_data_unavailable(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    _get_file_raises(monkeypatch, urllib.error.URLError("no network"))
    with pytest.raises(DataUnavailableError) as info:
        pretrained_base("vgg16", input_shape=(32, 32, 3))
    message = info.value.args[0]  # (OSError's str() shows errno/filename once .filename is set)
    assert "python -m dlcourse fetch vgg16_imagenet" in message
    assert VGG16_NOTOP in message
    assert "the vgg16 base" in message and str(empty_cache) in message
    assert info.value.dataset == "vgg16_imagenet"
    assert info.value.filename == VGG16_NOTOP
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_full_mode_real_download_failure_is_data_unavailable(empty_cache, monkeypatch):
    """keras.utils.get_file itself, with the URL pointing nowhere, gives DataUnavailableError too."""
    real_get_file = keras.utils.get_file
    monkeypatch.setattr(
        keras.utils, "get_file", lambda fname, origin, **kwargs: real_get_file(fname, "http://127.0.0.1:9/none.h5", **kwargs)
    )
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    with pytest.raises(DataUnavailableError) as info:
        pretrained_base("mobilenet_v2", input_shape=(96, 96, 3))
    assert "python -m dlcourse fetch mobilenet_v2_imagenet" in info.value.args[0]
    assert info.value.__context__ is None


def test_other_errors_are_not_swallowed(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    _get_file_raises(monkeypatch, RuntimeError("a bug"))
    with pytest.raises(RuntimeError, match="a bug"):
        pretrained_base("vgg16", input_shape=(32, 32, 3))


def test_cached_weights_are_loaded(empty_cache, monkeypatch, vgg):
    _save_weights(vgg, empty_cache / VGG16_NOTOP)
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    _get_file_raises(monkeypatch, AssertionError("must not download"))
    assert _same_weights(vgg, pretrained_base("vgg16", input_shape=(32, 32, 3)))


def test_size_matched_mobilenet_file_is_preferred(empty_cache, monkeypatch, mobilenet):
    _save_weights(mobilenet, empty_cache / MOBILENET_V2_NOTOP_224.replace("_224_", "_96_"))
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    _get_file_raises(monkeypatch, AssertionError("must not download"))
    assert _same_weights(mobilenet, pretrained_base("mobilenet_v2", input_shape=(96, 96, 3)))
    seen = []
    _get_file_raises(monkeypatch, OSError("offline"), seen)
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    pretrained_base("mobilenet_v2", input_shape=(128, 128, 3))  # the 128 file is not cached
    assert [fname for fname, _, _ in seen] == [MOBILENET_V2_NOTOP_224]  # the fetchable file is downloaded


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": "resnet50"}, ValueError, r"name must be one of 'mobilenet_v2', 'vgg16'; received name='resnet50'"),
        ({"name": None}, TypeError, r"name must be a base name such as 'mobilenet_v2'; received name=None"),
        ({"input_shape": (96, 96, 1)}, ValueError, r"input_shape must have 3 channels \(last axis\); received input_shape=\(96, 96, 1\)"),
        ({"input_shape": (16, 16, 3)}, ValueError, r"input_shape must be at least 32x32; received input_shape=\(16, 16, 3\)"),
        ({"input_shape": (96, 96)}, ValueError, r"input_shape must have 3 axes"),
        ({"input_shape": (96, 96, None)}, ValueError, r"input_shape must give the number of channels"),
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


# --- imagenet_classifier -----------------------------------------------------------------------


def test_classifier_has_the_imagenet_top(classifier):
    assert classifier.input_shape == (None, 224, 224, 3)
    assert classifier.output_shape == (None, 1000)
    assert classifier.count_params() == 3_538_984  # MobileNetV2 1.0 224, as published by Keras
    assert classifier.layers[-1].name == "predictions"
    probabilities = classifier.predict(np.zeros((2, 224, 224, 3), "float32"), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-4)


def test_classifier_weights_files(empty_cache, monkeypatch):
    seen = []
    _get_file_raises(monkeypatch, OSError("offline"), seen)
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    for name in ("mobilenet_v2", "vgg16"):
        with pytest.raises(DataUnavailableError):
            imagenet_classifier(name)
    (mobile, mobile_origin, mobile_kwargs), (vgg16, vgg16_origin, vgg16_kwargs) = seen
    assert mobile == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
    assert mobile_origin.endswith("/mobilenet_v2/" + mobile) and mobile_kwargs["file_hash"] is None
    assert vgg16 == "vgg16_weights_tf_dim_ordering_tf_kernels.h5" and vgg16_origin.endswith("/vgg16/" + vgg16)
    assert vgg16_kwargs["file_hash"] == "64373286793e3c8b2b4e3219cbf3544b"


def test_classifier_quick_mode_falls_back_to_random_weights(empty_cache, monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    _get_file_raises(monkeypatch, urllib.error.URLError("no network"))
    model = imagenet_classifier("mobilenet_v2")
    assert model.output_shape == (None, 1000)
    notice = capsys.readouterr().out
    assert "RANDOM weights" in notice and "predictions are meaningless" in notice
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5" in notice
    assert "keras.applications.MobileNetV2(weights='imagenet')" in notice


def test_classifier_full_mode_raises_data_unavailable(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    _get_file_raises(monkeypatch, Exception("URL fetch failure on https://...: None"))
    with pytest.raises(DataUnavailableError) as info:
        imagenet_classifier("vgg16")
    message = info.value.args[0]
    assert "keras.applications.VGG16(weights='imagenet')" in message
    assert "vgg16_weights_tf_dim_ordering_tf_kernels.h5" in message and str(empty_cache) in message
    assert info.value.dataset == "vgg16_imagenet_classifier"
    assert info.value.filename == "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_classifier_other_errors_are_not_swallowed(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    _get_file_raises(monkeypatch, RuntimeError("a bug"))
    with pytest.raises(RuntimeError, match="a bug"):
        imagenet_classifier("mobilenet_v2")


def test_classifier_cached_weights_are_loaded(empty_cache, monkeypatch, classifier):
    path = empty_cache / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
    _save_weights(classifier, path)
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    _get_file_raises(monkeypatch, AssertionError("must not download"))
    assert _same_weights(classifier, imagenet_classifier("mobilenet_v2"))
    assert _same_weights(classifier, imagenet_classifier("mobilenet_v2", weights=path))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"name": "resnet50"}, ValueError, r"name must be one of 'mobilenet_v2', 'vgg16'; received name='resnet50'"),
        ({"name": 3}, TypeError, r"name must be a base name such as 'mobilenet_v2'; received name=3"),
        ({"weights": "no/such/file.h5"}, ValueError, r"weights must be 'imagenet', None or an existing file"),
        ({"weights": 1.5}, TypeError, r"weights must be 'imagenet', None or a file path; received weights=1.5"),
    ],
)
def test_imagenet_classifier_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        imagenet_classifier(**kwargs)
