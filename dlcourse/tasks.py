"""The task table, :data:`TASKS`: the last layer's activation, the loss and the metrics of each kind of problem.

:func:`output_layer` builds the output layer and :func:`compile_model` compiles a model from it
(Chollet, *Deep Learning with Python*, table 4.1).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from dlcourse.validation import check_bool, check_choice, check_float, check_int, check_name

__all__ = ["TaskHead", "TASKS", "task_head", "output_units", "output_layer", "check_head", "compile_model"]


@dataclass(frozen=True)
class TaskHead:
    """One row of the task table.

    Attributes:
        name: the task's name, the key in :data:`TASKS`.
        activation: the last layer's activation (``None`` for a linear output).
        loss: the default loss.
        metrics: the default metrics, as Keras metric names.
        one_hot_loss: the loss for one-hot labels (only for ``"multiclass"``), else ``None``.
        needs_num_classes: whether the head has one unit per class (``num_classes`` required).
        alternative_losses: other losses that suit the task.
        description: one line for tables and error messages.
    """

    name: str
    activation: str | None
    loss: str
    metrics: tuple[str, ...]
    one_hot_loss: str | None = None
    needs_num_classes: bool = False
    alternative_losses: tuple[str, ...] = ()
    description: str = ""


TASKS: dict[str, TaskHead] = {
    head.name: head
    for head in (
        TaskHead("binary", "sigmoid", "binary_crossentropy", ("accuracy",),
                 description="two classes, labels 0/1, one sigmoid unit"),
        TaskHead("multiclass", "softmax", "sparse_categorical_crossentropy", ("accuracy",),
                 one_hot_loss="categorical_crossentropy", needs_num_classes=True,
                 alternative_losses=("categorical_crossentropy",),
                 description="one label out of num_classes, one softmax unit per class"),
        TaskHead("multilabel", "sigmoid", "binary_crossentropy", ("binary_accuracy", "auc"),
                 needs_num_classes=True,
                 description="any subset of num_classes labels (multi-hot), one sigmoid unit per label"),
        TaskHead("regression", None, "mse", ("mae",),
                 description="one real-valued target, one linear unit"),
        TaskHead("regression_unit", "sigmoid", "mse", ("mae",),
                 alternative_losses=("binary_crossentropy",),
                 description="one target in [0, 1], one sigmoid unit"),
    )
}
"""The task table, keyed by task name."""


def task_head(task: str) -> TaskHead:
    """Returns the :class:`TaskHead` of ``task``.

    Args:
        task: one of the keys of :data:`TASKS`.

    Returns:
        The table entry.

    Raises:
        TypeError: if ``task`` is not a string.
        ValueError: if ``task`` is not in the table.
    """
    if not isinstance(task, str):
        raise TypeError(f"task must be a str such as 'binary'; received task={task!r} of type {type(task).__name__}")
    check_choice("task", task, TASKS)
    return TASKS[task]


def output_units(task: str, num_classes: int | None = None) -> int:
    """Returns the number of units of the output layer for ``task``.

    Args:
        task: one of the keys of :data:`TASKS`.
        num_classes: the number of classes (``"multiclass"``) or labels (``"multilabel"``),
            required and >= 2 there; ``None`` (or 2 for ``"binary"``) for the one-unit tasks.

    Returns:
        ``num_classes`` for the per-class heads, else 1.

    Raises:
        TypeError: if ``task`` is not a string or ``num_classes`` not an int.
        ValueError: if ``task`` is unknown or ``num_classes`` does not suit it.
    """
    head = task_head(task)
    if head.needs_num_classes:
        if num_classes is None:
            raise ValueError(
                f"num_classes is required for task={task!r} ({head.description}); received num_classes=None"
            )
        kind = "softmax" if head.activation == "softmax" else "multilabel sigmoid"
        num_classes = check_int("num_classes", num_classes)
        if num_classes < 2:
            raise ValueError(f"num_classes must be >= 2 for a {kind} head; received num_classes={num_classes}")
        return num_classes
    if num_classes is None:
        return 1
    if task == "binary":
        if isinstance(num_classes, numbers.Integral) and not isinstance(num_classes, bool) and num_classes == 2:
            return 1
        raise ValueError(
            "num_classes must be None (or 2) for task='binary', which has one sigmoid unit; "
            f"received num_classes={num_classes!r}. Use task='multiclass' for more than two classes"
        )
    raise ValueError(
        f"num_classes must be None for task={task!r} ({head.description}); received num_classes={num_classes!r}"
    )


def output_layer(task: str, *, num_classes: int | None = None, name: str = "predictions"):
    """Returns the output ``Dense`` layer for ``task``: the right number of units and activation.

    The layer computes in float32 even under a mixed-precision policy, as Keras's mixed-precision
    guide advises for the last activation (a bfloat16 sigmoid cannot tell 0.997 from 1).

    Args:
        task: one of the keys of :data:`TASKS`.
        num_classes: see :func:`output_units`.
        name: the layer's name.

    Returns:
        An unbuilt ``keras.layers.Dense``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``task`` is unknown or ``num_classes`` does not suit it.

    Example:
    >>> layer = output_layer("multiclass", num_classes=10)
    >>> layer.units, layer.activation.__name__
    (10, 'softmax')
    """
    units = output_units(task, num_classes)
    check_name("name", name)
    import keras

    return keras.layers.Dense(units, activation=TASKS[task].activation, dtype="float32", name=name)


def _make_optimizer(optimizer, learning_rate):
    import keras

    if isinstance(optimizer, keras.optimizers.Optimizer):
        if learning_rate is not None:
            raise ValueError(
                "learning_rate can only be given with an optimizer name such as 'rmsprop'; received an optimizer "
                f"instance ({type(optimizer).__name__}) and learning_rate={learning_rate!r}. Set the rate on the "
                "instance instead"
            )
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(
            "optimizer must be a name such as 'rmsprop' or a keras.optimizers.Optimizer; "
            f"received optimizer={optimizer!r} of type {type(optimizer).__name__}"
        )
    try:
        opt = keras.optimizers.get(optimizer)
    except ValueError as err:  # Keras's message does not say which argument was wrong
        raise ValueError(
            f"optimizer must be the name of a Keras optimizer such as 'rmsprop', 'adam' or 'sgd'; "
            f"received optimizer={optimizer!r}"
        ) from err
    if learning_rate is None:
        return opt
    return type(opt).from_config({**opt.get_config(), "learning_rate": learning_rate})


def check_head(model, task: str, *, activation: bool = True) -> None:
    """Checks that the output layer of ``model`` suits ``task``: its number of units and its activation.

    Args:
        model: a ``keras.Model`` with one output.
        task: one of the keys of :data:`TASKS`.
        activation: also check the output activation (skip it for a custom loss that may expect
            logits).

    Raises:
        ValueError: if the units or the activation do not suit the task.
    """
    task_head(task)
    outputs = model.outputs
    if len(outputs) != 1 or outputs[0].shape[-1] is None:
        return
    units = outputs[0].shape[-1]
    head = TASKS[task]
    if task == "binary" and units != 1:
        raise ValueError(
            f"task='binary' needs a model with one sigmoid output unit; received model {model.name!r} with {units} "
            "output units (use task='multiclass' for a softmax over classes)"
        )
    if task == "multiclass" and units < 2:
        raise ValueError(
            f"task='multiclass' needs one output unit per class (>= 2); received model {model.name!r} with "
            f"{units} output unit (use task='binary' for one sigmoid unit)"
        )
    # The activation of the last layer (a Dense or an Activation layer); None where it has none to read.
    last = model.layers[-1] if model.layers and activation else None
    found = getattr(getattr(last, "activation", None), "__name__", None)
    expected = head.activation or "linear"
    if found is not None and found != expected:
        raise ValueError(
            f"task={task!r} needs a {expected} output layer ({head.description}); received model {model.name!r} "
            f"whose output layer has activation {found!r}. Build the model for this task, or compile it "
            "for the task its head was built for"
        )


def compile_model(
    model,
    task: str,
    *,
    optimizer="rmsprop",
    learning_rate: float | None = None,
    one_hot_labels: bool = False,
    metrics=None,
    loss=None,
    steps_per_execution: int = 1,
):
    """Compiles ``model`` with the loss and metrics of ``task`` and returns it.

    Args:
        model: a ``keras.Model`` whose output layer suits ``task`` (see :func:`output_layer`).
        task: one of the keys of :data:`TASKS`.
        optimizer: a Keras optimizer name such as ``"rmsprop"`` or a ``keras.optimizers.Optimizer``.
        learning_rate: the learning rate for a named optimizer (``None``: Keras's default).
        one_hot_labels: for ``"multiclass"`` with one-hot labels: ``categorical_crossentropy``.
        metrics: a list of metrics replacing the task's defaults (``None``: the defaults).
        loss: a loss replacing the task's default (``None``: the default).
        steps_per_execution: training steps per call into the compiled function (Keras's
            ``compile`` option); the numbers computed do not change.

    Returns:
        The same model, compiled.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``task`` or ``optimizer`` is unknown, ``learning_rate`` is not positive or
            comes with an optimizer instance, ``one_hot_labels`` is used with a task other than
            ``"multiclass"``, or the model's output does not suit the task.

    Example:
    >>> import dlcourse
    >>> model = dlcourse.build_dense((10000,), "binary", units=(16, 16))
    >>> compile_model(model, "binary", learning_rate=1e-3).loss
    'binary_crossentropy'
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; received model={model!r} of type {type(model).__name__}")
    head = task_head(task)
    if learning_rate is not None:
        learning_rate = check_float("learning_rate", learning_rate, minimum=0.0, min_inclusive=False)
    check_bool("one_hot_labels", one_hot_labels)
    if one_hot_labels and head.one_hot_loss is None:
        raise ValueError(
            f"one_hot_labels=True applies only to task='multiclass'; received task={task!r} with one_hot_labels=True"
        )
    if metrics is not None and (isinstance(metrics, (str, bytes)) or not isinstance(metrics, (list, tuple))):
        raise TypeError(
            f"metrics must be a list of metrics such as ['accuracy'] or None; received metrics={metrics!r}"
        )
    if loss is not None and not (isinstance(loss, str) or callable(loss)):
        raise TypeError(f"loss must be a loss name, a keras.losses.Loss or None; received loss={loss!r}")
    steps_per_execution = check_int("steps_per_execution", steps_per_execution, minimum=1)
    check_head(model, task, activation=loss is None)  # a custom loss may expect logits
    opt = _make_optimizer(optimizer, learning_rate)
    if loss is None:
        loss = head.one_hot_loss if one_hot_labels else head.loss
    metrics = list(head.metrics if metrics is None else metrics)
    model.compile(optimizer=opt, loss=loss, metrics=metrics, steps_per_execution=steps_per_execution)
    return model
