"""Regularization for the model builders: weight penalties, max-norm constraints, data augmentation."""

from __future__ import annotations

from dlcourse.validation import check_choice, check_float, check_int_sequence, check_name

__all__ = ["weight_regularizer", "weight_constraint", "augmentation_block", "resolve_augmentation"]

_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


def weight_regularizer(l1: float = 0.0, l2: float = 0.0):
    """Returns the penalty ``l1 * sum(|w|) + l2 * sum(w**2)`` for ``kernel_regularizer=``, or ``None``.

    Args:
        l1: the L1 factor, >= 0.
        l2: the L2 factor, >= 0.

    Returns:
        A new ``keras.regularizers.L1``, ``L2`` or ``L1L2``, or ``None`` when both factors are 0.

    Raises:
        TypeError: if a factor is not a number.
        ValueError: if a factor is negative.

    Example:
    >>> import dlcourse
    >>> type(dlcourse.weight_regularizer(l2=0.002)).__name__
    'L2'
    """
    l1 = check_float("l1", l1, minimum=0.0)
    l2 = check_float("l2", l2, minimum=0.0)
    import keras

    if l1 and l2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    if l1:
        return keras.regularizers.L1(l1)
    if l2:
        return keras.regularizers.L2(l2)
    return None


def weight_constraint(max_norm: float | None = None, *, axis=0):
    """Returns a max-norm constraint for ``kernel_constraint=`` (Srivastava et al., 2014), or ``None``.

    Args:
        max_norm: the largest allowed norm of a unit's weights, > 0; ``None`` for no constraint.
        axis: the kernel axes the norm is taken over: ``0`` for ``Dense``, ``(0, 1, 2)`` for ``Conv2D``.

    Returns:
        A ``keras.constraints.MaxNorm`` or ``None``.

    Raises:
        TypeError: if ``max_norm`` is not a number or ``axis`` not an int or tuple of ints.
        ValueError: if ``max_norm`` is not positive or an axis is negative.
    """
    if max_norm is None:
        check_int_sequence("axis", axis, minimum=0)
        return None
    max_norm = check_float("max_norm", max_norm, minimum=0.0, min_inclusive=False)
    axes = check_int_sequence("axis", axis, minimum=0, allow_empty=False)
    import keras

    return keras.constraints.MaxNorm(max_value=max_norm, axis=axes[0] if len(axes) == 1 else list(axes))


def _factor(name: str, value) -> float:
    if value is None:
        return 0.0
    return check_float(name, value, minimum=0.0, maximum=1.0)


def augmentation_block(
    *,
    flip: str | None = "horizontal",
    rotation: float | None = 0.1,
    zoom: float | None = 0.2,
    translation: float | None = 0.1,
    contrast: float | None = 0.1,
    name: str = "augmentation",
):
    """Returns a ``keras.Sequential`` of Keras's random image layers, active only in training.

    An option set to 0 or ``None`` leaves its layer out; with all off the block is an identity.

    Args:
        flip: ``"horizontal"``, ``"vertical"``, ``"horizontal_and_vertical"`` or ``None``.
        rotation: the largest rotation, as a fraction of a full turn, in [0, 1].
        zoom: the largest zoom in or out, as a fraction of the size, in [0, 1].
        translation: the largest shift, as a fraction of the height and width, in [0, 1].
        contrast: the largest contrast change, in [0, 1].
        name: the name of the ``Sequential``.

    Returns:
        An unbuilt ``keras.Sequential``.

    Raises:
        TypeError: if a factor is not a number or ``name`` not a string.
        ValueError: if ``flip`` is unknown or a factor is outside [0, 1].

    Example:
    >>> import dlcourse
    >>> block = dlcourse.augmentation_block(rotation=0.0, contrast=None)
    >>> [layer.__class__.__name__ for layer in block.layers]
    ['RandomFlip', 'RandomZoom', 'RandomTranslation']
    """
    check_choice("flip", flip, _FLIP_MODES + (None,))
    rotation = _factor("rotation", rotation)
    zoom = _factor("zoom", zoom)
    translation = _factor("translation", translation)
    contrast = _factor("contrast", contrast)
    check_name("name", name)
    import keras

    layers = []
    if flip is not None:
        layers.append(keras.layers.RandomFlip(flip, name=f"{name}_flip"))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, name=f"{name}_rotation"))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, name=f"{name}_zoom"))
    if translation:
        layers.append(keras.layers.RandomTranslation(translation, translation, name=f"{name}_translation"))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, name=f"{name}_contrast"))
    if not layers:
        layers.append(keras.layers.Identity(name=f"{name}_identity"))
    return keras.Sequential(layers, name=name)


def resolve_augmentation(augmentation):
    """Returns the augmentation a builder's ``augmentation=`` argument stands for.

    Args:
        augmentation: ``None``, ``"default"`` (:func:`augmentation_block` with its defaults), or a
            Keras layer or function of the input tensor.

    Returns:
        ``None``, a new :func:`augmentation_block`, or ``augmentation`` itself.

    Raises:
        TypeError: if ``augmentation`` is neither ``None``, a string nor a callable.
        ValueError: if ``augmentation`` is a string other than ``"default"``.
    """
    if augmentation is None or (callable(augmentation) and not isinstance(augmentation, str)):
        return augmentation
    if isinstance(augmentation, str):
        if augmentation != "default":
            raise ValueError(
                f"augmentation must be None, 'default' or a Keras layer; received augmentation={augmentation!r}"
            )
        return augmentation_block()
    raise TypeError(
        "augmentation must be None, 'default' or a Keras layer (e.g. dlcourse.augmentation_block()); "
        f"received augmentation of type {type(augmentation).__name__}"
    )
