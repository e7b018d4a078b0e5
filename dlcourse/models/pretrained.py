"""Pretrained ImageNet convolutional bases from ``keras.applications``, read from the Keras cache.

The weights files live in ``keras_home()/models/`` under the names Keras uses. When a file is
missing and cannot be downloaded, :func:`pretrained_base` raises
:class:`~dlcourse.errors.DataUnavailableError` (full mode) or falls back to random weights with a
printed notice (quick mode, where the notebooks only have to run, not to reach good accuracy).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dlcourse._validation import check_choice
from dlcourse.config import keras_home, quick_mode
from dlcourse.errors import DataUnavailableError
from dlcourse.models._common import check_image_shape

__all__ = ["BASES", "WeightsFile", "pretrained_weights_file", "pretrained_base", "preprocess_input_for"]

BASES = ("mobilenet_v2", "vgg16")
"""The names :func:`pretrained_base` and :func:`preprocess_input_for` accept."""

_MOBILENET_V2_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_MOBILENET_V2_SIZES = (96, 128, 160, 192, 224)
_VGG16_NOTOP = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
_VGG16_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/" + _VGG16_NOTOP


@dataclass(frozen=True)
class WeightsFile:
    """Where the ImageNet weights of a convolutional base (without its top) come from.

    Attributes:
        base: the base's name, one of :data:`BASES`.
        filename: the file name Keras uses in ``keras_home()/models/``.
        origin: the download URL.
        file_hash: the MD5 hash Keras checks, or ``None`` where Keras has none.
        registry_name: the name for ``python -m dlcourse fetch``.
    """

    base: str
    filename: str
    origin: str
    file_hash: str | None
    registry_name: str

    @property
    def path(self) -> Path:
        """The file's place in the Keras cache (``keras_home()/models/filename``)."""
        return keras_home() / "models" / self.filename


def _check_base_name(name) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a base name such as 'mobilenet_v2'; received name={name!r}")
    return check_choice("name", name, BASES)


def _mobilenet_v2_file(rows: int) -> WeightsFile:
    filename = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5"
    return WeightsFile("mobilenet_v2", filename, _MOBILENET_V2_URL + filename, None, "mobilenet_v2_imagenet")


def pretrained_weights_file(name: str = "mobilenet_v2") -> WeightsFile:
    """Returns the ImageNet weights file of the base ``name``, the one ``python -m dlcourse fetch`` gets.

    For MobileNetV2 this is the file trained at 224x224, which suits every input size (Keras
    itself loads it for sizes other than 96, 128, 160, 192 and 224); for VGG16 there is one file.

    Args:
        name: one of :data:`BASES`.

    Returns:
        A :class:`WeightsFile`.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if ``name`` is unknown.

    Example:

    >>> pretrained_weights_file("vgg16").filename
    'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'
    """
    name = _check_base_name(name)
    if name == "vgg16":
        return WeightsFile("vgg16", _VGG16_NOTOP, _VGG16_URL, "6d6bbae143d832006294945121d1f1fc", "vgg16_imagenet")
    return _mobilenet_v2_file(224)


def _candidates(name: str, shape: tuple) -> list[WeightsFile]:
    """The weights files that suit ``shape``, best first: the size-matched one Keras uses, then the fetched one."""
    fetched = pretrained_weights_file(name)
    if name == "mobilenet_v2" and shape[0] == shape[1] and shape[0] in _MOBILENET_V2_SIZES and shape[0] != 224:
        return [_mobilenet_v2_file(shape[0]), fetched]
    return [fetched]


def _download(info: WeightsFile) -> Path:
    """Downloads ``info`` into the Keras cache (a separate function so tests can replace it)."""
    import keras

    path = keras.utils.get_file(
        info.filename, info.origin, cache_subdir="models", cache_dir=str(keras_home()), file_hash=info.file_hash
    )
    return Path(path)


def _find_weights(candidates: list[WeightsFile]) -> Path | None:
    """Returns a cached weights file, else the downloaded fetchable one, or ``None`` when neither can be had."""
    for info in candidates:
        if info.path.is_file():
            return info.path
    try:
        return _download(candidates[-1])
    except OSError:  # urllib's URLError and socket errors, an unwritable cache
        return None
    except Exception as exc:  # keras.utils.get_file re-raises URL errors as a plain Exception
        if type(exc) is not Exception:
            raise
        return None


def pretrained_base(name: str = "mobilenet_v2", *, input_shape=(160, 160, 3), weights="imagenet"):
    """Returns a convolutional base from ``keras.applications``, without its classifier top.

    The base is ``keras.applications.MobileNetV2`` or ``VGG16`` with ``include_top=False``: it maps
    an image batch to feature maps (5x5x1280 for MobileNetV2 at 160x160, 5x5x512 for VGG16 at
    180x180). Feed it images preprocessed with :func:`preprocess_input_for` ``(name)``.

    With ``weights="imagenet"`` the weights file is read from ``keras_home()/models/`` (fill it
    with ``python -m dlcourse fetch mobilenet_v2_imagenet`` or ``vgg16_imagenet``) or downloaded
    there. For MobileNetV2 at 96, 128, 160 or 192 pixels the file Keras trained at that size is
    used when it is in the cache, else the 224 file (:func:`pretrained_weights_file`). If no file
    is cached and none can be downloaded:

    * in full mode, :class:`~dlcourse.errors.DataUnavailableError` is raised;
    * in quick mode (``dlcourse.quick_mode()``), the base is built with random weights and a
      notice is printed: the notebook runs, but its accuracy means nothing.

    Args:
        name: ``"mobilenet_v2"`` or ``"vgg16"``.
        input_shape: the image shape ``(height, width, 3)``, at least 32x32.
        weights: ``"imagenet"``, ``None`` (random initialization) or the path of a weights file.

    Returns:
        An uncompiled functional ``keras.Model`` (trainable; see
        :func:`dlcourse.models.transfer.build_transfer_model` for freezing it).

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``name`` is unknown, ``input_shape`` is not an RGB image of at least
            32x32, or ``weights`` is neither ``"imagenet"``, ``None`` nor an existing file.
        DataUnavailableError: in full mode, if the ImageNet weights are neither cached nor
            downloadable.

    Example:

    >>> base = pretrained_base("vgg16", input_shape=(180, 180, 3), weights=None)
    >>> base.output_shape
    (None, 5, 5, 512)
    """
    name = _check_base_name(name)
    shape = check_image_shape(input_shape, min_size=32, channels=3)
    if weights is not None and weights != "imagenet":
        if not isinstance(weights, (str, os.PathLike)):
            raise TypeError(
                f"weights must be 'imagenet', None or a file path; received weights={weights!r} "
                f"of type {type(weights).__name__}"
            )
        if not Path(weights).is_file():
            raise ValueError(f"weights must be 'imagenet', None or an existing file; received weights={weights!r}")
    import keras

    if weights == "imagenet":
        info = pretrained_weights_file(name)
        path = _find_weights(_candidates(name, shape))
        if path is not None:
            weights = str(path)
        elif quick_mode():
            print(
                f"dlcourse: the ImageNet weights of {name} ({info.filename}) are not in {info.path.parent} and "
                "could not be downloaded. Quick mode goes on with RANDOM weights (weights=None): the model runs, "
                f"but its accuracy is meaningless. Run `python -m dlcourse fetch {info.registry_name}` to get them."
            )
            weights = None
        else:
            raise DataUnavailableError(
                f"The ImageNet weights of the {name} base ({info.filename}) are not in the Keras cache "
                f"{info.path.parent} and could not be downloaded from {info.origin}. Run "
                f"`python -m dlcourse fetch {info.registry_name}` where there is internet access (or copy the file "
                "into that folder), or pass weights=None for a randomly initialized base.",
                dataset=info.registry_name,
                filename=info.filename,
            ) from None
    elif weights is not None:
        weights = str(weights)
    application = keras.applications.MobileNetV2 if name == "mobilenet_v2" else keras.applications.VGG16
    return application(input_shape=shape, include_top=False, weights=weights)


def preprocess_input_for(name: str):
    """Returns the ``preprocess_input`` function that matches the base ``name``.

    MobileNetV2 expects pixels scaled to [-1, 1]; VGG16 expects BGR pixels minus the ImageNet
    channel means. Both functions take pixels in [0, 255] and work on NumPy arrays and on
    symbolic tensors (so they can sit inside a functional model).

    Args:
        name: ``"mobilenet_v2"`` or ``"vgg16"``.

    Returns:
        ``keras.applications.mobilenet_v2.preprocess_input`` or
        ``keras.applications.vgg16.preprocess_input``.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if ``name`` is unknown.

    Example:

    >>> import numpy as np
    >>> preprocess_input_for("mobilenet_v2")(np.array([0.0, 255.0]))
    array([-1.,  1.])
    """
    name = _check_base_name(name)
    import keras

    if name == "mobilenet_v2":
        return keras.applications.mobilenet_v2.preprocess_input
    return keras.applications.vgg16.preprocess_input
