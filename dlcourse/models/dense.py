"""Fully connected networks: ``build_dense`` and the stack of hidden ``Dense`` layers it is made of."""

from __future__ import annotations

from dlcourse.models.regularization import weight_constraint, weight_regularizer
from dlcourse.tasks import output_layer
from dlcourse.validation import (
    check_activation,
    check_bool,
    check_input_shape,
    check_int_sequence,
    check_keras_tensor,
    check_name,
    check_rate,
)

__all__ = ["build_dense", "dense_stack"]


def dense_stack(
    x,
    units,
    *,
    activation="relu",
    dropout_rate: float = 0.0,
    batch_norm: bool = False,
    kernel_regularizer=None,
    kernel_constraint=None,
    prefix: str = "hidden",
):
    """Adds hidden ``Dense`` layers to ``x``, one per entry of ``units``, named ``{prefix}_{i}``.

    With ``batch_norm`` each layer is ``Dense`` (no bias) -> ``BatchNormalization`` ->
    activation; with ``dropout_rate > 0`` a ``Dropout`` follows it. ``activation`` and
    ``batch_norm`` are checked by the builders that call it (:func:`build_dense`,
    ``build_convnet``), which use them for other layers too.

    Args:
        x: a symbolic tensor ``(batch, features)``, such as ``keras.Input((10000,))``.
        units: the widths of the layers; ``()`` adds none.
        activation: the layers' activation (a name or a callable).
        dropout_rate: the dropout rate after each layer, in [0, 1).
        batch_norm: put a ``BatchNormalization`` before each activation.
        kernel_regularizer: the weight penalty of each kernel, such as ``weight_regularizer(l2=1e-3)``.
        kernel_constraint: the constraint on each kernel, such as ``weight_constraint(3.0)``.
        prefix: the start of the layer names.

    Returns:
        The output tensor of the last layer (``x`` itself when ``units`` is empty).

    Raises:
        TypeError: if ``x`` is not a symbolic tensor or an argument has the wrong type.
        ValueError: if an argument has a wrong value.

    Example:
    >>> import keras
    >>> import dlcourse
    >>> dlcourse.dense_stack(keras.Input((8,)), (16, 4), batch_norm=True).shape
    (None, 4)
    """
    check_keras_tensor("x", x)
    units = check_int_sequence("units", units)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("prefix", prefix)
    import keras

    for i, n in enumerate(units, start=1):
        x = keras.layers.Dense(
            n,
            activation=None if batch_norm else activation,
            use_bias=not batch_norm,
            kernel_regularizer=kernel_regularizer,
            kernel_constraint=kernel_constraint,
            name=f"{prefix}_{i}",
        )(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"{prefix}_{i}_bn")(x)
            x = keras.layers.Activation(activation, name=f"{prefix}_{i}_act")(x)
        if dropout_rate:
            x = keras.layers.Dropout(dropout_rate, name=f"{prefix}_{i}_dropout")(x)
    return x


def build_dense(
    input_shape,
    task: str,
    *,
    num_classes: int | None = None,
    units=(64, 64),
    activation="relu",
    dropout_rate: float = 0.0,
    l1: float = 0.0,
    l2: float = 0.0,
    max_norm: float | None = None,
    batch_norm: bool = False,
    name: str = "dense_network",
):
    """Builds a fully connected network: hidden ``Dense`` layers (:func:`dense_stack`) and the head of ``task``.

    An input of more than one axis (such as ``(28, 28)``) is flattened first. ``l1``/``l2`` and
    ``max_norm`` apply to the hidden kernels, not to the head. Textbook parameter counts: IMDB,
    ``build_dense((10000,), "binary", units=(16, 16))``: 160,305; Reuters,
    ``build_dense((10000,), "multiclass", num_classes=46)``: 647,214; Boston housing,
    ``build_dense((13,), "regression")``: 5,121.

    Args:
        input_shape: the shape of one sample, such as ``(10000,)``; an int ``n`` means ``(n,)``.
        task: one of ``dlcourse.tasks.TASKS``.
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        units: the widths of the hidden layers; ``()`` gives a linear/logistic model.
        activation: the hidden layers' activation (a name or a callable).
        dropout_rate: the dropout rate after each hidden layer, in [0, 1).
        l1: the L1 weight penalty on each hidden kernel.
        l2: the L2 weight penalty on each hidden kernel.
        max_norm: a max-norm constraint on each hidden kernel (``None``: none).
        batch_norm: put a ``BatchNormalization`` before each hidden activation.
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value, e.g. ``num_classes`` missing for
            ``"multiclass"``.

    Example:
    >>> import dlcourse
    >>> dlcourse.build_dense((10000,), "binary", units=(16, 16)).count_params()
    160305
    """
    shape = check_input_shape("input_shape", input_shape)
    if not shape:
        raise ValueError(f"input_shape must have at least one axis; received input_shape={shape!r}")
    head = output_layer(task, num_classes=num_classes)
    check_activation("activation", activation)
    regularizer = weight_regularizer(l1, l2)
    constraint = weight_constraint(max_norm)
    check_bool("batch_norm", batch_norm)
    check_name("name", name)
    import keras

    # units and dropout_rate are checked by dense_stack, before any weight exists.
    inputs = keras.Input(shape=shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(shape) > 1 else inputs
    x = dense_stack(
        x, units, activation=activation, dropout_rate=dropout_rate, batch_norm=batch_norm,
        kernel_regularizer=regularizer, kernel_constraint=constraint,
    )
    return keras.Model(inputs, head(x), name=name)
