"""Transfer learning: feature extraction with a frozen base, a new head on it, and fine-tuning its top layers.

The recipe follows Chollet, *Deep Learning with Python* 2nd ed., section 8.3.
"""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from dlcourse.models.pretrained import preprocess_input_for
from dlcourse.models.regularization import resolve_augmentation
from dlcourse.tasks import output_layer
from dlcourse.validation import (
    check_activation,
    check_choice,
    check_finite,
    check_input_fits,
    check_int,
    check_int_sequence,
    check_name,
    check_rate,
)

__all__ = ["set_trainable_layers", "build_transfer_model", "extract_features"]

_POOLINGS = ("avg", "max", "flatten", None)


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

    ``n=0`` freezes the whole base; ``n=4`` unfreezes VGG16's ``block5_conv1..3`` and
    ``block5_pool`` (the input layer is not counted). Recompile the model that holds ``base``
    afterwards for the change to take effect.

    Args:
        base: the ``keras.Model`` to (un)freeze, changed in place.
        n: how many top layers to make trainable, from 0 to ``len(base.layers) - 1``.

    Returns:
        ``base``.

    Raises:
        TypeError: if ``base`` is not a ``keras.Model`` or ``n`` not an int.
        ValueError: if ``n`` is negative or larger than the number of layers.
    """
    _check_base(base)
    n = check_int("n", n, minimum=0, maximum=len(_base_layers(base)))
    return _set_trainable(base, n)


def _set_trainable(base, n: int):
    import keras

    layers = _base_layers(base)
    base.trainable = n > 0
    if n > 0:
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

    The layers: ``Input`` -> augmentation (optional) -> ``preprocess`` (optional) ->
    ``base(x, training=False)`` (its BatchNormalization stays in inference mode, as the Keras
    fine-tuning guide recommends) -> pooling -> hidden ``Dense`` layers -> ``Dropout`` -> the head.

    Args:
        base: a ``keras.Model`` such as ``pretrained_base("mobilenet_v2")``; the model shares it.
        task: one of ``dlcourse.tasks.TASKS``.
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        trainable_layers: how many top layers of the base to train (0: the base is frozen).
        preprocess: ``None``, a base name (its ``preprocess_input``) or a function applied to
            the inputs (pixels in [0, 255]).
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
    """
    _check_base(base)
    head = output_layer(task, num_classes=num_classes)
    check_int("trainable_layers", trainable_layers, minimum=0, maximum=len(_base_layers(base)))
    preprocess = _check_preprocess(preprocess)
    augmentation = resolve_augmentation(augmentation)
    check_choice("pooling", pooling, _POOLINGS)
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
    check_activation("activation", activation)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("name", name)
    import keras

    _set_trainable(base, trainable_layers)
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
    return keras.Model(inputs, head(x), name=name)


def _run_base(base, images, preprocess):
    """Runs ``base`` on ``images``, a float32 copy of the caller's batch (preprocess_input works in place)."""
    if preprocess is not None:
        images = preprocess(images)
    # predict_on_batch runs the compiled inference function: about twice as fast as an eager
    # ``base(images)`` for MobileNetV2 on a CPU (benchmarks/transfer_extraction.py).
    return np.asarray(base.predict_on_batch(images))


def _dataset_batches(base, data, batch_size):
    """Checks a ``tf.data.Dataset``'s element spec against ``base``; returns it batched and whether it has labels."""
    spec = data.element_spec
    has_labels = isinstance(spec, tuple) and len(spec) >= 2
    image_spec = spec[0] if isinstance(spec, tuple) else spec
    expected = tuple(base.inputs[0].shape[1:])
    rank = len(expected) + 1
    if image_spec.shape.rank == rank - 1:
        data = data.batch(batch_size)
    elif image_spec.shape.rank != rank:
        raise ValueError(
            f"data must yield images of rank {rank - 1} (one image) or {rank} (a batch) for base {base.name!r}; "
            f"received images of shape {image_spec.shape}"
        )
    received = tuple(data.element_spec[0].shape[1:] if has_labels else data.element_spec.shape[1:])
    if any(e is not None and r is not None and e != r for e, r in zip(expected, received)):
        raise ValueError(
            f"data must yield images of shape {expected} to fit base {base.name!r}; received images of shape "
            f"{received}"
        )
    return data, has_labels


def extract_features(base, data, *, batch_size: int = 32, preprocess=None, verbose: int = 1):
    """Runs ``base`` once over ``data`` and returns the features (and the labels) as NumPy arrays.

    With a ``tf.data.Dataset`` the labels are collected in the same pass, so they stay aligned
    with the features even when the dataset shuffles.

    Args:
        base: the (frozen) ``keras.Model`` to run, called with ``training=False``.
        data: a ``tf.data.Dataset`` of ``(images, labels)`` (or of images alone), batched or not;
            a NumPy array of images; or a tuple ``(images, labels)`` of arrays.
        batch_size: the batch size for arrays and unbatched datasets.
        preprocess: ``None``, a base name or a function applied to each batch of images
            (pixels in [0, 255]); the input arrays are not modified.
        verbose: 0 hides the progress bar, 1 (or more) shows it.

    Returns:
        ``(features, labels)``: ``features`` of shape ``(n_samples,) + base.output_shape[1:]`` and
        ``labels`` a NumPy array, or ``None`` when ``data`` has no labels.

    Raises:
        TypeError: if ``base``, ``data`` or ``preprocess`` has the wrong type.
        ValueError: if ``batch_size`` < 1, ``data`` is empty, its images do not fit the base's
            input, or they hold NaN or infinite values.
    """
    _check_base(base)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    preprocess = _check_preprocess(preprocess)
    check_int("verbose", verbose, minimum=0)
    import tensorflow as tf

    if isinstance(data, tf.data.Dataset):
        data, has_labels = _dataset_batches(base, data, batch_size)
        cardinality = int(data.cardinality())
        bar = tqdm(total=cardinality if cardinality >= 0 else None, desc="features", unit="batch", disable=not verbose)
        features, labels = [], []
        with bar:
            for element in data:
                images = np.array(element[0] if isinstance(element, tuple) else element, dtype="float32")
                check_finite("data", images)
                features.append(_run_base(base, images, preprocess))
                if has_labels:
                    labels.append(np.asarray(element[1]))
                bar.update()
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
    rank = len(base.inputs[0].shape)
    if data.ndim != rank:
        raise ValueError(
            f"data must be an array of rank {rank} (samples, height, width, channels) for base {base.name!r}; "
            f"received data of shape {data.shape}"
        )
    if len(data) == 0:
        raise ValueError(f"data must hold at least one sample; received data of shape {data.shape}")
    check_input_fits(base, data, "data")
    check_finite("data", data)
    if labels is not None and len(labels) != len(data):
        raise ValueError(f"data's images and labels must have the same length; received {len(data)} and {len(labels)}")
    bar = tqdm(range(0, len(data), batch_size), desc="features", unit="batch", disable=not verbose)
    features = [_run_base(base, np.array(data[i : i + batch_size], dtype="float32"), preprocess) for i in bar]
    return np.concatenate(features), labels
