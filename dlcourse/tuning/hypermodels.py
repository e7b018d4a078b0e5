"""Hypermodels over the course's builders: ``build(hp)`` samples ``hp`` and calls the plain builder.

Each constructor argument of a hypermodel is either a fixed value or a search space:

* a *range* ``(low, high)`` for ``num_layers``/``num_blocks`` (``hp.Int``), ``learning_rate``
  (``hp.Float``, log sampling), ``dropout_rate`` and ``l2`` (``hp.Float``; log when ``low > 0``);
* a sequence of *choices* for ``units``, ``filters``, ``kernel_size``, ``dense_units`` and
  ``optimizer`` (``hp.Choice``).

A fixed value (``num_layers=2``) is passed to the builder as it is and is not a hyperparameter.
The constructor checks every argument, without building a model.
"""

from __future__ import annotations

import functools

import keras
import keras_tuner

from dlcourse.models.convnet import build_convnet
from dlcourse.models.dense import build_dense
from dlcourse.models.regularization import resolve_augmentation
from dlcourse.tasks import compile_model, output_units, task_head
from dlcourse.validation import (
    check_activation,
    check_bool,
    check_choice,
    check_float,
    check_image_shape,
    check_input_shape,
    check_int,
    describe,
)

__all__ = ["DenseHyperModel", "ConvnetHyperModel"]


def _range(name, value, check_one, *, kind):
    """A fixed number, or a ``(low, high)`` pair; returns a space entry ``(kind, low, high)`` or ``("fixed", v)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be a fixed value or a (low, high) range; received {name}={value!r}")
        low, high = check_one(name, value[0]), check_one(name, value[1])
        if low > high:
            raise ValueError(f"{name} must be a (low, high) range with low <= high; received {name}={value!r}")
        return ("fixed", low) if low == high else (kind, low, high)
    return ("fixed", check_one(name, value))


def _choices(name, value, check_one):
    """A fixed value, or a non-empty sequence of choices; returns ``("choice", values)`` or ``("fixed", v)``."""
    if isinstance(value, (tuple, list)):
        if not value:
            raise ValueError(f"{name} must be a fixed value or a non-empty sequence of choices; received {name}={value!r}")
        values = tuple(dict.fromkeys(check_one(name, v) for v in value))
        return ("fixed", values[0]) if len(values) == 1 else ("choice", values)
    return ("fixed", check_one(name, value))


# build_convnet's choices (private there); checked here so that no model is built to check them.
_PADDINGS, _POOLINGS, _TOPS = ("valid", "same"), ("max", "average", None), ("flatten", "global_average", "global_max")
_positive_int = functools.partial(check_int, minimum=1)
_non_negative_int = functools.partial(check_int, minimum=0)
_learning_rate = functools.partial(check_float, minimum=0.0, min_inclusive=False)
_rate = functools.partial(check_float, minimum=0.0, maximum=1.0, max_inclusive=False)
_penalty = functools.partial(check_float, minimum=0.0)


def _optimizer(name, value):
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be an optimizer name such as 'rmsprop' (or a sequence of names to choose from): a hypermodel "
            f"builds a new optimizer for every model; received {name}={describe(value)}"
        )
    try:
        keras.optimizers.get(value.lower())  # Keras knows its optimizers' names
    except ValueError:
        raise ValueError(
            f"{name} must be a Keras optimizer name such as 'rmsprop' or 'adam'; received {name}={value!r}"
        ) from None
    return value.lower()


def _space(learning_rate, dropout_rate, l2, optimizer) -> dict:
    """The search-space entries both hypermodels share."""
    return {
        "learning_rate": ("fixed", None) if learning_rate is None
        else _range("learning_rate", learning_rate, _learning_rate, kind="log"),
        "dropout_rate": _range("dropout_rate", dropout_rate, _rate, kind="float"),
        "l2": _range("l2", l2, _penalty, kind="penalty"),
        "optimizer": _choices("optimizer", optimizer, _optimizer),
    }


def _check_fixed(config) -> None:
    """Checks what the builder and ``compile_model`` would check of the fixed arguments, with their messages."""
    output_units(config["task"], config["num_classes"])
    check_activation("activation", config["activation"])
    check_bool("batch_norm", config["batch_norm"])
    check_bool("one_hot_labels", config["one_hot_labels"])
    if config["one_hot_labels"] and task_head(config["task"]).one_hot_loss is None:
        raise ValueError(f"one_hot_labels=True applies only to task='multiclass'; received task={config['task']!r} "
                         "with one_hot_labels=True")
    metrics = config["metrics"]
    if metrics is not None and (isinstance(metrics, (str, bytes)) or not isinstance(metrics, (list, tuple))):
        raise TypeError(f"metrics must be a list of metrics such as ['accuracy'] or None; received metrics={metrics!r}")
    check_int("steps_per_execution", config["steps_per_execution"], minimum=1)


class _SpaceHyperModel(keras_tuner.HyperModel):
    """A hypermodel whose search space is a dict of entries made by :func:`_range` and :func:`_choices`."""

    def __init__(self, config, space):
        _check_fixed(config)
        super().__init__(name=type(self).__name__)
        self.input_shape, self.task, self.num_classes = config["input_shape"], config["task"], config["num_classes"]
        self._config, self._space = config, space

    def get_config(self) -> dict:
        """Returns the constructor arguments (used in the fingerprint of a search folder)."""
        return dict(self._config)

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self._config.items())
        return f"{type(self).__name__}({args})"

    @property
    def hyperparameter_names(self) -> list:
        """The names of the tuned hyperparameters (the fixed values are not among them)."""
        return [name for name, entry in self._space.items() if entry[0] != "fixed"]

    def _sample(self, hp) -> dict:
        if not isinstance(hp, keras_tuner.HyperParameters):
            raise TypeError(
                f"hp must be a keras_tuner.HyperParameters, such as tuner.get_best_hyperparameters()[0]; "
                f"received hp={describe(hp)}"
            )
        values = {}
        for name, entry in self._space.items():
            kind = entry[0]
            if kind == "fixed":
                values[name] = entry[1]
            elif kind == "int":
                values[name] = hp.Int(name, entry[1], entry[2])
            elif kind == "choice":
                values[name] = hp.Choice(name, list(entry[1]))
            else:
                sampling = "log" if kind == "log" or (kind == "penalty" and entry[1] > 0) else "linear"
                values[name] = hp.Float(name, entry[1], entry[2], sampling=sampling)
        return values

    def _compile(self, model, v):
        c = self._config
        return compile_model(model, self.task, optimizer=v["optimizer"], learning_rate=v["learning_rate"],
                             one_hot_labels=c["one_hot_labels"], metrics=c["metrics"],
                             steps_per_execution=c["steps_per_execution"])


class DenseHyperModel(_SpaceHyperModel):
    """A search space of dense networks: ``build(hp)`` samples ``hp`` and calls :func:`build_dense`.

    ``num_layers`` hidden layers of the same sampled width ``units``, compiled with
    :func:`dlcourse.compile_model` for ``task``.

    Args:
        input_shape: the shape of one sample, such as ``(13,)``.
        task: one of the course's tasks (see :func:`dlcourse.compile_model`).
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        num_layers: an int, or a ``(low, high)`` range.
        units: the width of the hidden layers: an int, or a sequence of choices.
        learning_rate: a float (``None``: Keras's default), or a ``(low, high)`` range (log scale).
        dropout_rate: a rate in ``[0, 1)``, or a ``(low, high)`` range.
        l2: an L2 penalty >= 0, or a ``(low, high)`` range (log scale when ``low > 0``).
        optimizer: an optimizer name, or a sequence of names to choose from.
        activation: the hidden activation (fixed).
        batch_norm: batch normalization in the hidden layers (fixed).
        one_hot_labels: for ``"multiclass"``: one-hot labels (categorical cross-entropy).
        metrics: ``None`` (the task's metrics) or a list of metrics for ``compile_model``.
        steps_per_execution: training steps per call into TensorFlow, for ``compile_model`` (fixed).

    Raises:
        TypeError, ValueError: for a bad argument or range, or ``num_classes`` that does not suit ``task``.

    Example:

    >>> import dlcourse, keras_tuner
    >>> hypermodel = dlcourse.DenseHyperModel((13,), "regression", num_layers=(1, 3), units=(16, 32, 64))
    >>> model = hypermodel.build(keras_tuner.HyperParameters())   # the default of each hp
    >>> model.name
    'dense_network'
    """

    def __init__(self, input_shape, task, *, num_classes=None, num_layers=(1, 3), units=(16, 32, 64, 128),
                 learning_rate=(1e-4, 1e-2), dropout_rate=(0.0, 0.5), l2=0.0, optimizer="rmsprop",
                 activation="relu", batch_norm=False, one_hot_labels=False, metrics=None, steps_per_execution=1):
        config = {key: value for key, value in locals().items() if key not in ("self", "__class__")}
        shape = check_input_shape("input_shape", input_shape)
        if not shape:
            raise ValueError(f"input_shape must have at least one axis; received input_shape={shape!r}")
        space = {
            "num_layers": _range("num_layers", num_layers, _non_negative_int, kind="int"),
            "units": _choices("units", units, _positive_int),
            **_space(learning_rate, dropout_rate, l2, optimizer),
        }
        super().__init__(config, space)

    def build(self, hp):
        """Samples ``hp``, builds the dense network and compiles it."""
        v = self._sample(hp)
        c = self._config
        model = build_dense(self.input_shape, self.task, num_classes=self.num_classes,
                            units=(v["units"],) * v["num_layers"], activation=c["activation"],
                            dropout_rate=v["dropout_rate"], l2=v["l2"], batch_norm=c["batch_norm"])
        return self._compile(model, v)


class ConvnetHyperModel(_SpaceHyperModel):
    """A search space of convnets: ``build(hp)`` samples ``hp`` and calls :func:`build_convnet`.

    ``num_blocks`` conv blocks; the first has ``filters`` filters and each next one doubles them.
    The top has one hidden dense layer of ``dense_units`` (none when 0) before the head.

    Args:
        input_shape: the image shape ``(height, width, channels)``.
        task: one of the course's tasks (see :class:`DenseHyperModel`).
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        num_blocks: an int >= 1 or a ``(low, high)`` range.
        filters: the first block's filters: an int or a sequence of choices.
        kernel_size: an int or a sequence of choices such as ``(3, 5)``.
        dense_units: the width of the hidden dense layer (0: none): an int or choices.
        learning_rate, dropout_rate, l2, optimizer: as in :class:`DenseHyperModel`.
        padding, pooling, top, augmentation, rescale: fixed, as in ``build_convnet``.
        activation, batch_norm, one_hot_labels, metrics, steps_per_execution: as in
            :class:`DenseHyperModel`.

    Raises:
        TypeError, ValueError: as :class:`DenseHyperModel`. An input too small for a sampled depth
            fails when that trial builds its model.

    Example:

    >>> import dlcourse
    >>> hypermodel = dlcourse.ConvnetHyperModel((28, 28, 1), "multiclass", num_classes=10, num_blocks=(1, 3))
    >>> hypermodel.hyperparameter_names
    ['num_blocks', 'filters', 'dense_units', 'learning_rate', 'dropout_rate']
    """

    def __init__(self, input_shape, task, *, num_classes=None, num_blocks=(1, 3), filters=(16, 32, 64),
                 kernel_size=3, dense_units=(32, 64, 128), learning_rate=(1e-4, 1e-2), dropout_rate=(0.0, 0.5),
                 l2=0.0, optimizer="rmsprop", padding="valid", pooling="max", top="flatten", augmentation=None,
                 rescale=None, activation="relu", batch_norm=False, one_hot_labels=False, metrics=None,
                 steps_per_execution=1):
        config = {key: value for key, value in locals().items() if key not in ("self", "__class__")}
        check_image_shape("input_shape", input_shape)
        check_choice("padding", padding, _PADDINGS)
        check_choice("pooling", pooling, _POOLINGS)
        check_choice("top", top, _TOPS)
        if augmentation != "default":  # "default" is valid; resolving it would build the block
            resolve_augmentation(augmentation)
        if rescale is not None:
            check_float("rescale", rescale, minimum=0.0, min_inclusive=False)
        space = {
            "num_blocks": _range("num_blocks", num_blocks, _positive_int, kind="int"),
            "filters": _choices("filters", filters, _positive_int),
            "kernel_size": _choices("kernel_size", kernel_size, _positive_int),
            "dense_units": _choices("dense_units", dense_units, _non_negative_int),
            **_space(learning_rate, dropout_rate, l2, optimizer),
        }
        super().__init__(config, space)

    def build(self, hp):
        """Samples ``hp``, builds the convnet and compiles it."""
        v = self._sample(hp)
        c = self._config
        model = build_convnet(
            self.input_shape, self.task, num_classes=self.num_classes,
            filters=tuple(v["filters"] * 2**i for i in range(v["num_blocks"])), kernel_size=v["kernel_size"],
            padding=c["padding"], pooling=c["pooling"], top=c["top"], augmentation=c["augmentation"],
            rescale=c["rescale"], batch_norm=c["batch_norm"], activation=c["activation"],
            dense_units=(v["dense_units"],) if v["dense_units"] else (), dropout_rate=v["dropout_rate"], l2=v["l2"],
        )
        return self._compile(model, v)
