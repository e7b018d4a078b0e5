"""ImageNet networks from ``keras.applications``, with their weights read from the Keras cache.

The weights files live in ``keras_home()/models/`` under the names Keras uses. When a file is
missing and cannot be downloaded, full mode raises :class:`~dlcourse.errors.DataUnavailableError`
naming the file and the command that fetches it; quick mode goes on with random weights and
prints a notice.
"""

from __future__ import annotations

import os
from pathlib import Path

from dlcourse.config import keras_home, quick_mode
from dlcourse.errors import DataUnavailableError
from dlcourse.validation import check_choice, check_image_shape

__all__ = ["imagenet_classifier", "preprocess_input_for", "pretrained_base"]

_BASES = ("mobilenet_v2", "vgg16")
_APPLICATION = {"mobilenet_v2": "MobileNetV2", "vgg16": "VGG16"}
_URL = "https://storage.googleapis.com/tensorflow/keras-applications/{}/{}"
_MOBILENET_V2_SIZES = (96, 128, 160, 192, 224)
# (file name, MD5 hash or None where Keras has none), as keras.applications names and checks them.
_VGG16_NOTOP = ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc")
_VGG16_TOP = ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b")
_MOBILENET_V2_TOP = ("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", None)


def _mobilenet_v2_notop(rows: int) -> tuple[str, None]:
    return (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5", None)


def _check_base_name(name) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a base name such as 'mobilenet_v2'; received name={name!r}")
    return check_choice("name", name, _BASES)


def _check_weights(weights):
    if weights is not None and weights != "imagenet":
        if not isinstance(weights, (str, os.PathLike)):
            raise TypeError(
                f"weights must be 'imagenet', None or a file path; received weights={weights!r} "
                f"of type {type(weights).__name__}"
            )
        if not Path(weights).is_file():
            raise ValueError(f"weights must be 'imagenet', None or an existing file; received weights={weights!r}")
        return str(weights)
    return weights


def _weights_path(name: str, files: list[tuple[str, str | None]]) -> Path | None:
    """Returns the first of ``files`` in the Keras cache, else the last one downloaded, else ``None``."""
    import keras

    folder = keras_home() / "models"
    for filename, _ in files:
        if (folder / filename).is_file():
            return folder / filename
    filename, file_hash = files[-1]
    origin = _URL.format(name, filename)
    try:
        return Path(
            keras.utils.get_file(
                filename, origin, file_hash=file_hash, cache_dir=str(keras_home()), cache_subdir="models"
            )
        )
    except OSError:  # urllib's URLError and socket errors, an unwritable cache
        return None
    except Exception as exc:  # keras.utils.get_file re-raises URL errors as a plain Exception
        if type(exc) is not Exception:
            raise
        return None


def _imagenet_weights(name: str, files, *, what: str, fetch: str, dataset: str, results: str) -> str | None:
    """Resolves ``weights="imagenet"``: the file's path, or ``None`` (quick mode, with a notice)."""
    path = _weights_path(name, files)
    if path is not None:
        return str(path)
    filename = files[-1][0]
    folder = keras_home() / "models"
    if quick_mode():
        print(
            f"dlcourse: the ImageNet weights of {what} ({filename}) are not in {folder} and could not be "
            "downloaded. Quick mode goes on with RANDOM weights (weights=None): the model runs, but its "
            f"{results} meaningless. Get the file with `{fetch}` where there is internet access."
        )
        return None
    raise DataUnavailableError(
        f"The ImageNet weights of {what} ({filename}) are not in the Keras cache {folder} and could not be "
        f"downloaded from {_URL.format(name, filename)}. Run `{fetch}` where there is internet access (or copy "
        "the file into that folder), or pass weights=None for random initial weights.",
        dataset=dataset,
        filename=filename,
    ) from None


def pretrained_base(name: str = "mobilenet_v2", *, input_shape=(160, 160, 3), weights="imagenet"):
    """Returns a convolutional base from ``keras.applications``, without its classifier top.

    ``keras.applications.MobileNetV2`` or ``VGG16`` with ``include_top=False``; feed it images
    preprocessed with :func:`preprocess_input_for` ``(name)``. With ``weights="imagenet"`` the
    file is read from the Keras cache (``python -m dlcourse fetch mobilenet_v2_imagenet`` or
    ``vgg16_imagenet`` fills it) or downloaded; MobileNetV2 at 96, 128, 160 or 192 pixels uses
    the file trained at that size when it is cached, else the 224 one.

    Args:
        name: ``"mobilenet_v2"`` or ``"vgg16"``.
        input_shape: the image shape ``(height, width, 3)``, at least 32x32.
        weights: ``"imagenet"``, ``None`` (random initialization) or the path of a weights file.

    Returns:
        An uncompiled, trainable functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``name`` is unknown, ``input_shape`` is not an RGB image of at least
            32x32, or ``weights`` is neither ``"imagenet"``, ``None`` nor an existing file.
        DataUnavailableError: in full mode, if the ImageNet weights are neither cached nor
            downloadable.
    """
    name = _check_base_name(name)
    shape = check_image_shape("input_shape", input_shape, min_size=32, channels=3)
    weights = _check_weights(weights)
    import keras

    if weights == "imagenet":
        if name == "vgg16":
            files = [_VGG16_NOTOP]
        elif shape[0] == shape[1] and shape[0] in _MOBILENET_V2_SIZES and shape[0] != 224:
            files = [_mobilenet_v2_notop(shape[0]), _mobilenet_v2_notop(224)]
        else:
            files = [_mobilenet_v2_notop(224)]
        registry_name = f"{name}_imagenet"
        weights = _imagenet_weights(
            name, files, what=f"the {name} base", fetch=f"python -m dlcourse fetch {registry_name}",
            dataset=registry_name, results="accuracy is",
        )
    application = getattr(keras.applications, _APPLICATION[name])
    return application(input_shape=shape, include_top=False, weights=weights)


def imagenet_classifier(name: str = "mobilenet_v2", *, weights="imagenet"):
    """Returns a complete ImageNet classifier from ``keras.applications``, to use as it is.

    It takes 224x224 RGB images preprocessed with :func:`preprocess_input_for` ``(name)`` and
    returns 1,000 class probabilities per image (``keras.applications.imagenet_utils.
    decode_predictions`` names them). The ImageNet weights are found as in
    :func:`pretrained_base`.

    Args:
        name: ``"mobilenet_v2"`` or ``"vgg16"``.
        weights: ``"imagenet"``, ``None`` (random initialization) or the path of a weights file.

    Returns:
        An uncompiled functional ``keras.Model``, ``(None, 224, 224, 3)`` to ``(None, 1000)``.

    Raises:
        TypeError: if ``name`` or ``weights`` has the wrong type.
        ValueError: if ``name`` is unknown or ``weights`` is neither ``"imagenet"``, ``None``
            nor an existing file.
        DataUnavailableError: in full mode, if the ImageNet weights are neither cached nor
            downloadable.
    """
    name = _check_base_name(name)
    weights = _check_weights(weights)
    import keras

    application = _APPLICATION[name]
    if weights == "imagenet":
        call = f"keras.applications.{application}(weights='imagenet')"
        fetch = f'KERAS_HOME=<your cache> python -c "import keras; {call}"'
        weights = _imagenet_weights(
            name, [_VGG16_TOP if name == "vgg16" else _MOBILENET_V2_TOP], what=f"the {name} classifier",
            fetch=fetch, dataset=f"{name}_imagenet_classifier", results="predictions are",
        )
    return getattr(keras.applications, application)(
        input_shape=(224, 224, 3), include_top=True, weights=weights, classes=1000
    )


def preprocess_input_for(name: str):
    """Returns the ``preprocess_input`` function of network ``name`` (it takes pixels in [0, 255]).

    Args:
        name: ``"mobilenet_v2"`` or ``"vgg16"``.

    Returns:
        ``keras.applications.<name>.preprocess_input``.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if ``name`` is unknown.

    Example:
    >>> import numpy as np
    >>> import dlcourse
    >>> dlcourse.preprocess_input_for("mobilenet_v2")(np.array([0.0, 255.0]))
    array([-1.,  1.])
    """
    name = _check_base_name(name)
    import keras

    return getattr(keras.applications, name).preprocess_input
