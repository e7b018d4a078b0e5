"""Hypermodels over the course's builders: ``build(hp)`` samples ``hp`` and calls the plain builder.

Each constructor argument of a hypermodel is either a fixed value or a search space:

* a *range* ``(low, high)`` for ``num_layers``/``num_blocks`` (``hp.Int``), ``learning_rate``
  (``hp.Float`` with log sampling), ``dropout_rate`` and ``l2`` (``hp.Float``; log sampling for
  ``l2`` when ``low > 0``);
* a sequence of *choices* for ``units``, ``filters``, ``kernel_size``, ``dense_units`` and
  ``optimizer`` (``hp.Choice``).

A fixed value (``num_layers=2``, ``learning_rate=1e-3``) is not a hyperparameter at all: it is
passed to the builder as it is and does not appear among a trial's values.

The constructor checks the ranges and choices, then builds the model once with each
hyperparameter at its default: the builders and :func:`dlcourse.compile_model` check the fixed
arguments (shape, task, layer options) with their own messages, before any search starts.
"""

from __future__ import annotations

import functools

import keras
import keras_tuner

from dlcourse.models.convnet import build_convnet
from dlcourse.models.dense import build_dense
from dlcourse.tasks import compile_model
from dlcourse.validation import check_float, check_int, describe
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


_positive_int = functools.partial(check_int, minimum=1)
_non_negative_int = functools.partial(check_int, minimum=0)
_learning_rate = functools.partial(check_float, minimum=0.0, min_inclusive=False)
_rate = functools.partial(check_float, minimum=0.0, maximum=1.0, max_inclusive=False)
_penalty = functools.partial(check_float, minimum=0.0)


def _learning_rate_space(value):
    return ("fixed", None) if value is None else _range("learning_rate", value, _learning_rate, kind="log")


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


class _SpaceHyperModel(keras_tuner.HyperModel):
    """A hypermodel whose search space is a dict of entries made by :func:`_range` and :func:`_choices`."""

    def __init__(self, config, space, fixed):
        super().__init__(name=type(self).__name__)
        self.input_shape, self.task, self.num_classes = config["input_shape"], config["task"], config["num_classes"]
        self._config, self._space, self._fixed = config, space, fixed
        # The builders and compile_model check the fixed arguments (shape, task, layers' options): one
        # build with each hyperparameter at its default runs those checks now, before any search.
        self.build(keras_tuner.HyperParameters())

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


class DenseHyperModel(_SpaceHyperModel):
    """A search space of dense networks: ``build(hp)`` samples ``hp`` and calls :func:`build_dense`.

    Every hidden layer has the same sampled width ``units``; ``num_layers`` of them are stacked.
    The model is compiled with :func:`dlcourse.compile_model` for ``task``.

    Args:
        input_shape: the shape of one sample, such as ``(13,)``.
        task: ``"binary"``, ``"multiclass"``, ``"multilabel"``, ``"regression"`` or
            ``"regression_unit"``.
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        num_layers: the number of hidden layers: an int, or an ``(low, high)`` range (``hp.Int``).
        units: the width of the hidden layers: an int, or a sequence of choices (``hp.Choice``).
        learning_rate: a float (``None``: Keras's default), or a ``(low, high)`` range sampled on a
            log scale.
        dropout_rate: a rate in ``[0, 1)``, or a ``(low, high)`` range.
        l2: an L2 penalty >= 0, or a ``(low, high)`` range (log scale when ``low > 0``).
        optimizer: an optimizer name, or a sequence of names to choose from.
        activation: the hidden activation (fixed).
        batch_norm: batch normalization in the hidden layers (fixed).
        one_hot_labels: for ``"multiclass"``: one-hot labels (categorical cross-entropy).
        metrics: ``None`` (the task's metrics) or a list of metrics for ``compile_model``.
        steps_per_execution: training steps per call into TensorFlow, passed to
            ``compile_model`` (fixed): more than 1 makes the many short epochs of a search on a
            small dataset cheaper and changes no number.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a value or range is out of bounds, or ``num_classes`` does not suit ``task``.

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
        space = {
            "num_layers": _range("num_layers", num_layers, _non_negative_int, kind="int"),
            "units": _choices("units", units, _positive_int),
            "learning_rate": _learning_rate_space(learning_rate),
            "dropout_rate": _range("dropout_rate", dropout_rate, _rate, kind="float"),
            "l2": _range("l2", l2, _penalty, kind="penalty"),
            "optimizer": _choices("optimizer", optimizer, _optimizer),
        }
        fixed = {"activation": activation, "batch_norm": batch_norm, "one_hot_labels": one_hot_labels,
                 "metrics": metrics, "steps_per_execution": steps_per_execution}
        config = {"input_shape": input_shape, "task": task, "num_classes": num_classes, "num_layers": num_layers,
                  "units": units, "learning_rate": learning_rate, "dropout_rate": dropout_rate, "l2": l2,
                  "optimizer": optimizer, **fixed}
        super().__init__(config, space, fixed)

    def build(self, hp):
        """Samples ``hp``, builds the dense network and compiles it."""
        v = self._sample(hp)
        f = self._fixed
        model = build_dense(self.input_shape, self.task, num_classes=self.num_classes,
                            units=(v["units"],) * v["num_layers"], activation=f["activation"],
                            dropout_rate=v["dropout_rate"], l2=v["l2"], batch_norm=f["batch_norm"])
        return compile_model(model, self.task, optimizer=v["optimizer"], learning_rate=v["learning_rate"],
                             one_hot_labels=f["one_hot_labels"], metrics=f["metrics"],
                             steps_per_execution=f["steps_per_execution"])


class ConvnetHyperModel(_SpaceHyperModel):
    """A search space of convnets: ``build(hp)`` samples ``hp`` and calls :func:`build_convnet`.

    The network has ``num_blocks`` conv blocks; the first has ``filters`` filters and each next
    block doubles them (``filters=32``, ``num_blocks=3``: 32, 64, 128). The top has one hidden
    dense layer of ``dense_units`` (none when 0) before the head.

    Args:
        input_shape: the image shape ``(height, width, channels)``.
        task: one of the course's tasks (see :class:`DenseHyperModel`).
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        num_blocks: the number of conv blocks: an int >= 1 or a ``(low, high)`` range.
        filters: the first block's filters: an int or a sequence of choices.
        kernel_size: an int or a sequence of choices such as ``(3, 5)``.
        dense_units: the width of the hidden dense layer (0: none): an int or choices.
        learning_rate: a float, or a ``(low, high)`` range sampled on a log scale.
        dropout_rate: the dropout before the head: a rate in ``[0, 1)`` or a range.
        l2: an L2 penalty >= 0 or a ``(low, high)`` range.
        optimizer: an optimizer name, or a sequence of names to choose from.
        padding: ``"valid"`` or ``"same"`` (fixed).
        pooling: ``"max"``, ``"average"`` or ``None`` (fixed).
        top: ``"flatten"``, ``"global_average"`` or ``"global_max"`` (fixed).
        augmentation: ``None``, ``"default"`` or a Keras layer, as in ``build_convnet`` (fixed).
        rescale: ``None`` or a factor such as ``1/255`` (fixed).
        activation: the activation (fixed).
        batch_norm: batch normalization in every block (fixed).
        one_hot_labels: for ``"multiclass"``: one-hot labels.
        metrics: ``None`` (the task's metrics) or a list of metrics.
        steps_per_execution: training steps per call into TensorFlow (fixed), as in
            :class:`DenseHyperModel`.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a value or range is out of bounds, or ``num_classes`` does not suit ``task``.
            An input too small for the deepest network fails when that trial builds its model.

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
        space = {
            "num_blocks": _range("num_blocks", num_blocks, _positive_int, kind="int"),
            "filters": _choices("filters", filters, _positive_int),
            "kernel_size": _choices("kernel_size", kernel_size, _positive_int),
            "dense_units": _choices("dense_units", dense_units, _non_negative_int),
            "learning_rate": _learning_rate_space(learning_rate),
            "dropout_rate": _range("dropout_rate", dropout_rate, _rate, kind="float"),
            "l2": _range("l2", l2, _penalty, kind="penalty"),
            "optimizer": _choices("optimizer", optimizer, _optimizer),
        }
        fixed = {"padding": padding, "pooling": pooling, "top": top, "augmentation": augmentation, "rescale": rescale,
                 "activation": activation, "batch_norm": batch_norm, "one_hot_labels": one_hot_labels,
                 "metrics": metrics, "steps_per_execution": steps_per_execution}
        config = {"input_shape": input_shape, "task": task, "num_classes": num_classes, "num_blocks": num_blocks,
                  "filters": filters, "kernel_size": kernel_size, "dense_units": dense_units,
                  "learning_rate": learning_rate, "dropout_rate": dropout_rate, "l2": l2, "optimizer": optimizer,
                  **fixed}
        super().__init__(config, space, fixed)

    def build(self, hp):
        """Samples ``hp``, builds the convnet and compiles it."""
        v = self._sample(hp)
        f = self._fixed
        model = build_convnet(
            self.input_shape, self.task, num_classes=self.num_classes,
            filters=tuple(v["filters"] * 2**i for i in range(v["num_blocks"])), kernel_size=v["kernel_size"],
            padding=f["padding"], pooling=f["pooling"], top=f["top"], augmentation=f["augmentation"],
            rescale=f["rescale"], batch_norm=f["batch_norm"], activation=f["activation"],
            dense_units=(v["dense_units"],) if v["dense_units"] else (), dropout_rate=v["dropout_rate"], l2=v["l2"],
        )
        return compile_model(model, self.task, optimizer=v["optimizer"], learning_rate=v["learning_rate"],
                             one_hot_labels=f["one_hot_labels"], metrics=f["metrics"],
                             steps_per_execution=f["steps_per_execution"])
