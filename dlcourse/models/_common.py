"""Checks and small building blocks shared by the model builders (private)."""

from __future__ import annotations

import numbers

from dlcourse._validation import check_bool, check_float, check_int, check_rate, check_shape
from dlcourse.layers import weight_constraint, weight_regularizer

CONV_KERNEL_AXES = (0, 1, 2)
"""The axes of a Conv2D kernel a max-norm constraint is taken over (rows, cols, in-channels)."""


def check_name(value, argname: str = "name") -> str:
    """Checks a model or layer name: a non-empty string (``None`` is not accepted)."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"{argname} must be a non-empty str; received {argname}={value!r}")
    return value


def check_optional_name(value, argname: str = "name") -> str | None:
    """Checks an optional layer-name prefix."""
    return None if value is None else check_name(value, argname)


def check_activation(value, argname: str = "activation"):
    """Checks an activation: a Keras activation name or a callable."""
    import keras

    if callable(value):
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"{argname} must be an activation name such as 'relu' or a callable; received {argname}={value!r}"
        )
    try:
        keras.activations.get(value)
    except ValueError:
        raise ValueError(
            f"{argname} must be a Keras activation name such as 'relu', 'tanh' or 'gelu'; received {argname}={value!r}"
        ) from None
    return value


def check_pair(argname: str, value) -> tuple[int, int]:
    """Checks ``kernel_size``/``strides``/``pool_size``: a positive int or a pair of them."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{argname} must be an int or a pair of ints such as (3, 3); received {argname}={value!r}")
    return (check_int(argname, value[0], minimum=1), check_int(argname, value[1], minimum=1))


def check_input_shape(value, *, ndim=None, argname: str = "input_shape") -> tuple:
    """Checks an input shape; an int ``n`` becomes ``(n,)``."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),)
    return check_shape(argname, value, ndim=ndim)


def check_image_shape(value, *, min_size: int = 1, channels: int | None = None, argname: str = "input_shape"):
    """Checks an image shape ``(height, width, channels)``, channels last."""
    shape = check_shape(argname, value, ndim=3)
    if shape[2] is None:
        raise ValueError(f"{argname} must give the number of channels; received {argname}={shape!r}")
    if channels is not None and shape[2] != channels:
        raise ValueError(f"{argname} must have {channels} channels (last axis); received {argname}={shape!r}")
    for dim in shape[:2]:
        if dim is not None and dim < min_size:
            raise ValueError(f"{argname} must be at least {min_size}x{min_size}; received {argname}={shape!r}")
    return shape


def check_regularization(l1, l2, max_norm) -> None:
    """Checks the weight-penalty options before anything is built."""
    weight_regularizer(l1, l2)
    if max_norm is not None:
        check_float("max_norm", max_norm, minimum=0.0, min_inclusive=False)


def check_keras_tensor(x, argname: str = "x"):
    """Checks that ``x`` is a symbolic Keras tensor (the output of ``keras.Input`` or a layer)."""
    import keras

    if not isinstance(x, keras.KerasTensor):
        raise TypeError(
            f"{argname} must be a symbolic tensor such as keras.Input((28, 28, 1)); "
            f"received {argname} of type {type(x).__name__}"
        )
    if len(x.shape) != 4:
        raise ValueError(
            f"{argname} must be a 4D image batch (batch, height, width, channels); received shape {x.shape}"
        )
    return x


def resolve_augmentation(augmentation):
    """Returns the augmentation for ``augmentation``: None, ``"default"``, a Keras layer or a callable."""
    if augmentation is None:
        return None
    if isinstance(augmentation, str):
        if augmentation != "default":
            raise ValueError(
                "augmentation must be None, 'default' or a Keras layer; "
                f"received augmentation={augmentation!r}"
            )
        from dlcourse.layers import augmentation_block

        return augmentation_block()
    if callable(augmentation):  # a Keras layer, or a function of the input tensor
        return augmentation
    raise TypeError(
        "augmentation must be None, 'default' or a Keras layer (e.g. dlcourse.augmentation_block()); "
        f"received augmentation of type {type(augmentation).__name__}"
    )


def check_rescale(rescale):
    """Checks ``rescale``: ``None`` or a positive number such as ``1/255``."""
    if rescale is None:
        return None
    return check_float("rescale", rescale, minimum=0.0, min_inclusive=False)


def dense_stack(
    x, units, *, activation, l1=0.0, l2=0.0, max_norm=None, batch_norm=False, dropout_rate=0.0, prefix="hidden"
):
    """Adds hidden ``Dense`` layers (``[+BN] + activation [+ dropout]`` each) to ``x``.

    The weight penalty and max-norm constraint go on each hidden kernel (not on the head), as in
    the textbook recipes. With ``batch_norm`` the Dense layer has no bias (BN's offset replaces
    it) and the activation comes after the normalization.
    """
    import keras

    for i, n in enumerate(units, start=1):
        x = keras.layers.Dense(
            n,
            activation=None if batch_norm else activation,
            use_bias=not batch_norm,
            kernel_regularizer=weight_regularizer(l1, l2),
            kernel_constraint=weight_constraint(max_norm),
            name=f"{prefix}_{i}",
        )(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"{prefix}_{i}_bn")(x)
            x = keras.layers.Activation(activation, name=f"{prefix}_{i}_act")(x)
        if dropout_rate:
            x = keras.layers.Dropout(dropout_rate, name=f"{prefix}_{i}_dropout")(x)
    return x


def check_common(*, activation, dropout_rate, l1, l2, max_norm, batch_norm, name):
    """Runs the checks every builder shares; returns the checked dropout rate."""
    check_activation(activation)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_regularization(l1, l2, max_norm)
    check_bool("batch_norm", batch_norm)
    check_name(name)
    return dropout_rate
