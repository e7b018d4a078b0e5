"""Complete ImageNet classifiers (base *and* top) for using a pretrained network as it is.

The first transfer-learning scenario of notebook 10: a network trained on ImageNet predicts the
1,000 ImageNet classes of new photos, unchanged. :func:`imagenet_classifier` returns
``keras.applications.MobileNetV2`` or ``VGG16`` with ``include_top=True`` (224x224 RGB in,
1,000 softmax probabilities out); decode its predictions with
``keras.applications.imagenet_utils.decode_predictions``.

The weights files follow the same rule as :func:`dlcourse.pretrained_base`: read from
``keras_home()/models/`` or downloaded there; when neither works, full mode raises
:class:`~dlcourse.errors.DataUnavailableError` and quick mode goes on with random weights and a
printed notice.
"""

from __future__ import annotations

import os
from pathlib import Path

from dlcourse.config import quick_mode
from dlcourse.errors import DataUnavailableError
from dlcourse.models.pretrained import WeightsFile, _check_base_name, _find_weights

__all__ = ["IMAGENET_INPUT_SHAPE", "imagenet_weights_file", "imagenet_classifier"]

IMAGENET_INPUT_SHAPE = (224, 224, 3)
"""The input shape of the complete classifiers: the ImageNet training size."""

_APPS = "https://storage.googleapis.com/tensorflow/keras-applications/"
_MOBILENET_V2_TOP = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
_VGG16_TOP = "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
_APPLICATION = {"mobilenet_v2": "MobileNetV2", "vgg16": "VGG16"}


def imagenet_weights_file(name: str = "mobilenet_v2") -> WeightsFile:
    """Returns the weights file of the complete ImageNet classifier ``name`` (with its top).

    Args:
        name: ``"mobilenet_v2"`` (14 MB) or ``"vgg16"`` (553 MB).

    Returns:
        A :class:`~dlcourse.models.pretrained.WeightsFile`; its ``registry_name`` is empty, since
        ``python -m dlcourse fetch`` does not list these files (see :func:`imagenet_classifier`
        for how to get them).

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if ``name`` is unknown.

    Example:

    >>> imagenet_weights_file("mobilenet_v2").filename
    'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5'
    """
    name = _check_base_name(name)
    if name == "vgg16":
        return WeightsFile("vgg16", _VGG16_TOP, _APPS + "vgg16/" + _VGG16_TOP, "64373286793e3c8b2b4e3219cbf3544b", "")
    return WeightsFile("mobilenet_v2", _MOBILENET_V2_TOP, _APPS + "mobilenet_v2/" + _MOBILENET_V2_TOP, None, "")


def _fetch_command(name: str) -> str:
    call = f"keras.applications.{_APPLICATION[name]}(weights='imagenet')"
    return f'KERAS_HOME=<your cache> python -c "import keras; {call}"'


def imagenet_classifier(name: str = "mobilenet_v2", *, weights="imagenet"):
    """Returns a complete ImageNet classifier from ``keras.applications``, to use as it is.

    The model takes 224x224 RGB images preprocessed with
    :func:`dlcourse.preprocess_input_for` ``(name)`` and returns, for each image, 1,000
    probabilities, one per ImageNet class; ``decode_predictions(probabilities, top=3)`` turns
    them into ``(WordNet id, class name, probability)`` triples.

    With ``weights="imagenet"`` the weights file (:func:`imagenet_weights_file`) is read from
    ``keras_home()/models/`` or downloaded there. If it is neither cached nor downloadable:

    * in full mode, :class:`~dlcourse.errors.DataUnavailableError` is raised, naming the file
      and the command that fetches it where there is internet access;
    * in quick mode, the classifier is built with random weights and a notice is printed: the
      code runs, but its predictions are meaningless.

    Args:
        name: ``"mobilenet_v2"`` (3.5 M parameters) or ``"vgg16"`` (138 M parameters).
        weights: ``"imagenet"``, ``None`` (random initialization) or the path of a weights file.

    Returns:
        An uncompiled functional ``keras.Model`` with input ``(None, 224, 224, 3)`` and output
        ``(None, 1000)``.

    Raises:
        TypeError: if ``name`` or ``weights`` has the wrong type.
        ValueError: if ``name`` is unknown or ``weights`` is neither ``"imagenet"``, ``None``
            nor an existing file.
        DataUnavailableError: in full mode, if the ImageNet weights are neither cached nor
            downloadable.

    Example:

    >>> model = imagenet_classifier("mobilenet_v2", weights=None)
    >>> model.output_shape
    (None, 1000)
    """
    name = _check_base_name(name)
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
        info = imagenet_weights_file(name)
        path = _find_weights([info])
        if path is not None:
            weights = str(path)
        elif quick_mode():
            print(
                f"dlcourse: the ImageNet weights of the {name} classifier ({info.filename}) are not in "
                f"{info.path.parent} and could not be downloaded. Quick mode goes on with RANDOM weights "
                "(weights=None): the model runs, but its predictions are meaningless. Get the file with "
                f"`{_fetch_command(name)}` where there is internet access."
            )
            weights = None
        else:
            raise DataUnavailableError(
                f"The ImageNet weights of the {name} classifier ({info.filename}) are not in the Keras cache "
                f"{info.path.parent} and could not be downloaded from {info.origin}. Run "
                f"`{_fetch_command(name)}` where there is internet access (or copy the file into that folder), "
                "or pass weights=None for a randomly initialized classifier.",
                dataset=f"{name}_imagenet_classifier",
                filename=info.filename,
            ) from None
    elif weights is not None:
        weights = str(weights)
    application = getattr(keras.applications, _APPLICATION[name])
    return application(input_shape=IMAGENET_INPUT_SHAPE, include_top=True, weights=weights, classes=1000)
