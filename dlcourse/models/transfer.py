"""Transfer learning: a pretrained base under a new head, feature extraction and fine-tuning.

The recipe of notebook 10 (Chollet, *Deep Learning with Python* 2nd ed., section 8.3, and the
Keras guide "Transfer learning & fine-tuning"):

1. ``base = pretrained_base("mobilenet_v2")``;
2. either run the frozen base once over the data (:func:`extract_features`) and train a small
   dense model on the features, or build ``build_transfer_model(base, task)`` (base frozen,
   called with ``training=False``) and train its head, with augmentation if wanted;
3. fine-tune: ``set_trainable_layers(base, n)``, recompile with a low learning rate, train again.
"""

from __future__ import annotations

import numpy as np

from dlcourse._validation import check_choice, check_int, check_int_sequence, check_rate
from dlcourse.heads import output_layer, output_units
from dlcourse.models._common import check_activation, check_name, resolve_augmentation
from dlcourse.models.pretrained import (
    BASES,
    WeightsFile,
    pretrained_base,
    pretrained_weights_file,
    preprocess_input_for,
)

__all__ = [
    "BASES",
    "WeightsFile",
    "pretrained_weights_file",
    "pretrained_base",
    "preprocess_input_for",
    "set_trainable_layers",
    "build_transfer_model",
    "extract_features",
]

POOLINGS = ("avg", "max", "flatten", None)
"""The ``pooling`` choices of :func:`build_transfer_model` (``None``: the base's output is a vector)."""


def _check_base(base):
    import keras

    if not isinstance(base, keras.Model):
        raise TypeError(
            "base must be a keras.Model such as pretrained_base('mobilenet_v2'); "
            f"received base of type {type(base).__name__}"
        )
    if len(base.inputs) != 1:
        raise ValueError(f"base must have one input; received base {base.name!r} with {len(base.inputs)} inputs")
    return base


def _base_layers(base):
    import keras

    return [layer for layer in base.layers if not isinstance(layer, keras.layers.InputLayer)]


def _check_preprocess(preprocess):
    if preprocess is None or callable(preprocess):
        return preprocess
    if isinstance(preprocess, str):
        return preprocess_input_for(preprocess)
    raise TypeError(
        "preprocess must be None, a base name such as 'mobilenet_v2' or a function such as "
        f"preprocess_input_for('mobilenet_v2'); received preprocess={preprocess!r}"
    )


def set_trainable_layers(base, n: int):
    """Freezes ``base`` except its top ``n`` layers; BatchNormalization layers stay frozen.

    ``n=0`` freezes the whole base (feature extraction). ``n > 0`` makes the last ``n`` layers of
    ``base.layers`` (the input layer not counted) trainable, for fine-tuning after the new head
    has been trained; e.g. ``n=4`` unfreezes VGG16's ``block5_conv1..3`` and ``block5_pool``.
    ``BatchNormalization`` layers are kept frozen so that their statistics are not overwritten
    by a small dataset. Recompile the model that holds ``base`` afterwards, with a low learning
    rate, for the change to take effect in training.

    Args:
        base: the ``keras.Model`` to (un)freeze, changed in place.
        n: how many top layers to make trainable, from 0 to ``len(base.layers) - 1``.

    Returns:
        ``base``.

    Raises:
        TypeError: if ``base`` is not a ``keras.Model`` or ``n`` not an int.
        ValueError: if ``n`` is negative or larger than the number of layers.

    Example:

    >>> base = pretrained_base("vgg16", input_shape=(96, 96, 3), weights=None)
    >>> len(set_trainable_layers(base, 4).trainable_weights)
    6
    """
    import keras

    _check_base(base)
    layers = _base_layers(base)
    n = check_int("n", n, minimum=0, maximum=len(layers))
    if n == 0:
        base.trainable = False
        return base
    base.trainable = True
    for i, layer in enumerate(layers):
        layer.trainable = i >= len(layers) - n and not isinstance(layer, keras.layers.BatchNormalization)
    return base


def build_transfer_model(
    base,
    task: str,
    *,
    num_classes: int | None = None,
    trainable_layers: int = 0,
    preprocess=None,
    augmentation=None,
    pooling: str | None = "avg",
    dense_units=(),
    activation="relu",
    dropout_rate: float = 0.2,
    name: str = "transfer_model",
):
    """Puts a new head for ``task`` on a pretrained base.

    The layers: ``Input`` (the base's input shape) -> augmentation (optional; only in training)
    -> ``preprocess`` (optional) -> ``base(x, training=False)`` -> pooling -> hidden ``Dense``
    layers -> ``Dropout`` -> the head. Calling the base with ``training=False`` keeps its
    BatchNormalization layers in inference mode even when part of the base is unfrozen, the Keras
    fine-tuning recipe. The base is frozen (``trainable_layers=0``) or has its top
    ``trainable_layers`` layers trainable (:func:`set_trainable_layers`).

    Args:
        base: a ``keras.Model`` such as ``pretrained_base("mobilenet_v2")``; the model shares it.
        task: one of ``dlcourse.heads.TASKS``.
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        trainable_layers: how many top layers of the base to train (0: the base is frozen).
        preprocess: ``None``, a base name (``"mobilenet_v2"``, ``"vgg16"``: its
            ``preprocess_input``) or a function applied to the inputs (pixels in [0, 255]).
        augmentation: ``None``, ``"default"`` or a Keras layer (see ``build_convnet``).
        pooling: ``"avg"`` (``GlobalAveragePooling2D``), ``"max"``, ``"flatten"``, or ``None`` when
            the base already outputs vectors.
        dense_units: the widths of hidden dense layers between the pooling and the head.
        activation: the hidden dense layers' activation.
        dropout_rate: the rate of the ``Dropout`` before the head, in [0, 1) (0: none).
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value, e.g. ``pooling=None`` with a base that
            outputs feature maps.

    Example:

    >>> base = pretrained_base("mobilenet_v2", input_shape=(96, 96, 3), weights=None)
    >>> model = build_transfer_model(base, "binary", preprocess="mobilenet_v2")
    >>> len(model.trainable_weights)
    2
    """
    _check_base(base)
    output_units(task, num_classes)
    check_int("trainable_layers", trainable_layers, minimum=0, maximum=len(_base_layers(base)))
    preprocess = _check_preprocess(preprocess)
    augmentation = resolve_augmentation(augmentation)
    check_choice("pooling", pooling, POOLINGS)
    feature_rank = len(base.outputs[0].shape)
    if pooling is None and feature_rank != 2:
        raise ValueError(
            f"pooling=None needs a base that outputs vectors; received base {base.name!r} with output shape "
            f"{base.outputs[0].shape}: use pooling='avg', 'max' or 'flatten'"
        )
    if pooling is not None and feature_rank != 4:
        raise ValueError(
            f"pooling={pooling!r} needs a base that outputs feature maps (4D); received base {base.name!r} with "
            f"output shape {base.outputs[0].shape}: use pooling=None"
        )
    dense_units = check_int_sequence("dense_units", dense_units)
    check_activation(activation)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name(name)
    import keras

    set_trainable_layers(base, trainable_layers)
    inputs = keras.Input(shape=tuple(base.inputs[0].shape[1:]), name="inputs")
    x = inputs
    if augmentation is not None:
        x = augmentation(x)
    if preprocess is not None:
        x = preprocess(x)
    x = base(x, training=False)
    if pooling == "avg":
        x = keras.layers.GlobalAveragePooling2D(name="global_average")(x)
    elif pooling == "max":
        x = keras.layers.GlobalMaxPooling2D(name="global_max")(x)
    elif pooling == "flatten":
        x = keras.layers.Flatten(name="flatten")(x)
    for i, units in enumerate(dense_units, start=1):
        x = keras.layers.Dense(units, activation=activation, name=f"hidden_{i}")(x)
    if dropout_rate:
        x = keras.layers.Dropout(dropout_rate, name="dropout")(x)
    outputs = output_layer(task, num_classes=num_classes)(x)
    return keras.Model(inputs, outputs, name=name)


def _run_base(base, images, preprocess):
    import keras

    images = np.array(images, dtype="float32", copy=True)  # preprocess_input works in place on arrays
    if preprocess is not None:
        images = preprocess(images)
    # predict_on_batch runs the base's compiled inference function (training=False), traced once
    # per batch shape: about twice the speed of an eager ``base(images)`` call for MobileNetV2 on
    # a CPU (benchmarks/transfer_extraction.py).
    return keras.ops.convert_to_numpy(base.predict_on_batch(images))


def extract_features(base, data, *, batch_size: int = 32, preprocess=None):
    """Runs ``base`` once over ``data`` and returns the features (and the labels) as NumPy arrays.

    This is "fast feature extraction without data augmentation": the expensive base runs once,
    and a small dense model is then trained on its outputs. With a ``tf.data.Dataset`` the labels
    are collected in the same single pass, so they stay aligned with the features even when the
    dataset shuffles.

    Args:
        base: the (frozen) ``keras.Model`` to run, called with ``training=False``.
        data: a ``tf.data.Dataset`` of ``(images, labels)`` (or of images alone), batched or not;
            a NumPy array of images; or a tuple ``(images, labels)`` of arrays.
        batch_size: the batch size for arrays and unbatched datasets.
        preprocess: ``None``, a base name or a function applied to each batch of images
            (pixels in [0, 255]); the input arrays are not modified.

    Returns:
        ``(features, labels)``: ``features`` of shape ``(n_samples,) + base.output_shape[1:]`` and
        ``labels`` a NumPy array, or ``None`` when ``data`` has no labels.

    Raises:
        TypeError: if ``base``, ``data`` or ``preprocess`` has the wrong type.
        ValueError: if ``batch_size`` < 1, ``data`` is empty, or its images do not have the rank
            of the base's input.

    Example:

    >>> base = pretrained_base("vgg16", input_shape=(32, 32, 3), weights=None)
    >>> features, labels = extract_features(base, np.zeros((4, 32, 32, 3)))
    >>> features.shape, labels
    ((4, 1, 1, 512), None)
    """
    _check_base(base)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    preprocess = _check_preprocess(preprocess)
    rank = len(base.inputs[0].shape)
    import tensorflow as tf

    if isinstance(data, tf.data.Dataset):
        spec = data.element_spec
        has_labels = isinstance(spec, tuple) and len(spec) >= 2
        image_spec = spec[0] if isinstance(spec, tuple) else spec
        if image_spec.shape.rank == rank - 1:
            data = data.batch(batch_size)
        elif image_spec.shape.rank != rank:
            raise ValueError(
                f"data must yield images of rank {rank - 1} (one image) or {rank} (a batch) for base {base.name!r}; "
                f"received images of shape {image_spec.shape}"
            )
        features, labels = [], []
        for element in data:
            images = element[0] if isinstance(element, tuple) else element
            features.append(_run_base(base, images, preprocess))
            if has_labels:
                labels.append(np.asarray(element[1]))
        if not features:
            raise ValueError("data must hold at least one sample; received an empty dataset")
        return np.concatenate(features), (np.concatenate(labels) if has_labels else None)

    labels = None
    if isinstance(data, tuple) and len(data) == 2:
        data, labels = data
        labels = np.asarray(labels)
    if not isinstance(data, np.ndarray):
        raise TypeError(
            "data must be a tf.data.Dataset, a NumPy array of images or a tuple (images, labels); "
            f"received data of type {type(data).__name__}"
        )
    if data.ndim != rank:
        raise ValueError(
            f"data must be an array of rank {rank} (samples, height, width, channels) for base {base.name!r}; "
            f"received data of shape {data.shape}"
        )
    if len(data) == 0:
        raise ValueError(f"data must hold at least one sample; received data of shape {data.shape}")
    if labels is not None and len(labels) != len(data):
        raise ValueError(f"data's images and labels must have the same length; received {len(data)} and {len(labels)}")
    features = [_run_base(base, data[i : i + batch_size], preprocess) for i in range(0, len(data), batch_size)]
    return np.concatenate(features), labels
