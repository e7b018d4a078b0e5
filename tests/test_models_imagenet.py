"""Tests of dlcourse.models.imagenet: complete ImageNet classifiers (base and top).

No ImageNet weights can be downloaded here: the classifiers are built with ``weights=None`` and the
download is replaced to test the cache, quick-mode and full-mode paths. VGG16 with its top
(138 M parameters) is never built, only its weights file is checked.
"""

import urllib.error

import h5py
import keras
import numpy as np
import pytest

from dlcourse.errors import DataUnavailableError
from dlcourse.models import pretrained
from dlcourse.models.imagenet import IMAGENET_INPUT_SHAPE, imagenet_classifier, imagenet_weights_file


@pytest.fixture(scope="module")
def mobilenet():
    return imagenet_classifier("mobilenet_v2", weights=None)


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras" / "models"


def _no_download(exc):
    def download(info):
        raise exc

    return download


def test_classifier_has_the_imagenet_top(mobilenet):
    assert IMAGENET_INPUT_SHAPE == (224, 224, 3)
    assert mobilenet.input_shape == (None, 224, 224, 3)
    assert mobilenet.output_shape == (None, 1000)
    assert mobilenet.count_params() == 3_538_984  # MobileNetV2 1.0 224, as published by Keras
    assert mobilenet.layers[-1].name == "predictions"
    probabilities = mobilenet.predict(np.zeros((2, 224, 224, 3), "float32"), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-4)


def test_weights_file_names(empty_cache):
    mobile = imagenet_weights_file("mobilenet_v2")
    assert mobile.filename == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
    assert mobile.origin.endswith("/mobilenet_v2/" + mobile.filename)
    assert mobile.path == empty_cache / mobile.filename
    vgg16 = imagenet_weights_file("vgg16")
    assert vgg16.filename == "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
    assert vgg16.file_hash == "64373286793e3c8b2b4e3219cbf3544b"
    assert imagenet_weights_file() == mobile


def test_quick_mode_falls_back_to_random_weights(empty_cache, monkeypatch, capsys):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    monkeypatch.setattr(pretrained, "_download", _no_download(urllib.error.URLError("no network")))
    model = imagenet_classifier("mobilenet_v2")
    assert model.output_shape == (None, 1000)
    notice = capsys.readouterr().out
    assert "RANDOM weights" in notice and "predictions are meaningless" in notice
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5" in notice
    assert "keras.applications.MobileNetV2(weights='imagenet')" in notice


def test_full_mode_raises_data_unavailable(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    monkeypatch.setattr(pretrained, "_download", _no_download(Exception("URL fetch failure on https://...: None")))
    with pytest.raises(DataUnavailableError) as info:
        imagenet_classifier("vgg16")
    message = info.value.args[0]
    assert "keras.applications.VGG16(weights='imagenet')" in message
    assert "vgg16_weights_tf_dim_ordering_tf_kernels.h5" in message and str(empty_cache) in message
    assert info.value.dataset == "vgg16_imagenet_classifier"
    assert info.value.filename == "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_other_errors_are_not_swallowed(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    monkeypatch.setattr(pretrained, "_download", _no_download(RuntimeError("a bug")))
    with pytest.raises(RuntimeError, match="a bug"):
        imagenet_classifier("mobilenet_v2")


def test_cached_weights_are_loaded(empty_cache, monkeypatch, mobilenet):
    from keras.src.legacy.saving import legacy_h5_format  # the format of the Keras weights files

    empty_cache.mkdir(parents=True)
    with h5py.File(imagenet_weights_file("mobilenet_v2").path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, mobilenet)
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    monkeypatch.setattr(pretrained, "_download", _no_download(AssertionError("must not download")))
    loaded = imagenet_classifier("mobilenet_v2")
    assert all(np.array_equal(a, b) for a, b in zip(mobilenet.get_weights(), loaded.get_weights()))
    again = imagenet_classifier("mobilenet_v2", weights=imagenet_weights_file("mobilenet_v2").path)
    assert all(np.array_equal(a, b) for a, b in zip(mobilenet.get_weights(), again.get_weights()))


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


def test_imagenet_weights_file_validation():
    with pytest.raises(ValueError, match="name must be one of"):
        imagenet_weights_file("alexnet")
