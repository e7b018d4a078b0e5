"""``build_dense``: a stack of fully connected layers with a task head."""

from __future__ import annotations

from dlcourse._validation import check_int_sequence
from dlcourse.heads import output_layer, output_units
from dlcourse.models._common import check_common, check_input_shape, dense_stack

__all__ = ["build_dense"]


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
    """Builds a fully connected network: hidden ``Dense`` layers and the head of ``task``.

    Each hidden layer is ``Dense(units[i], activation)``; with ``batch_norm=True`` it is
    ``Dense (no bias) -> BatchNormalization -> activation``; with ``dropout_rate > 0`` a
    ``Dropout`` follows it. ``l1``/``l2`` penalties and the ``max_norm`` constraint apply to the
    hidden kernels, not to the head. An input of more than one axis (such as ``(28, 28)``) is
    flattened first. These options are how notebook 05 builds its regularized variants.

    Textbook models and their parameter counts:

    * IMDB, ``build_dense((10000,), "binary", units=(16, 16))``: 160,305;
    * Reuters, ``build_dense((10000,), "multiclass", num_classes=46)``: 647,214;
    * Boston housing, ``build_dense((13,), "regression")``: 5,121.

    Args:
        input_shape: the shape of one sample, such as ``(10000,)``; an int ``n`` means ``(n,)``.
        task: one of ``dlcourse.heads.TASKS`` (``"binary"``, ``"multiclass"``, ...).
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``
            (see :func:`dlcourse.heads.output_units`).
        units: the widths of the hidden layers; ``()`` gives a linear/logistic model.
        activation: the hidden layers' activation (a name or a callable).
        dropout_rate: the dropout rate after each hidden layer, in [0, 1).
        l1: the L1 weight penalty on each hidden kernel.
        l2: the L2 weight penalty on each hidden kernel.
        max_norm: a max-norm constraint on each hidden kernel (``None``: none).
        batch_norm: put a ``BatchNormalization`` before each hidden activation.
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model`` (compile it with
        :func:`dlcourse.heads.compile_model`).

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value, e.g. ``num_classes`` missing for
            ``"multiclass"`` or ``dropout_rate`` outside [0, 1).

    Example:

    >>> model = build_dense((10000,), "binary", units=(16, 16))
    >>> model.count_params()
    160305
    """
    shape = check_input_shape(input_shape)
    if not shape:
        raise ValueError(f"input_shape must have at least one axis; received input_shape={shape!r}")
    output_units(task, num_classes)
    units = check_int_sequence("units", units)
    dropout_rate = check_common(
        activation=activation, dropout_rate=dropout_rate, l1=l1, l2=l2, max_norm=max_norm,
        batch_norm=batch_norm, name=name,
    )
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(shape) > 1 else inputs
    x = dense_stack(
        x, units, activation=activation, l1=l1, l2=l2, max_norm=max_norm, batch_norm=batch_norm,
        dropout_rate=dropout_rate,
    )
    outputs = output_layer(task, num_classes=num_classes)(x)
    return keras.Model(inputs, outputs, name=name)
