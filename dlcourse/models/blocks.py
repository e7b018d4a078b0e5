"""The building blocks of the classic architectures: VGG block, Inception module, residual block.

Each block takes a symbolic tensor ``x`` (the output of ``keras.Input`` or of a layer) and returns
the block's output tensor.
"""

from __future__ import annotations

from dlcourse.validation import check_bool, check_int, check_keras_tensor, check_name

__all__ = ["vgg_block", "inception_module", "residual_block"]


def _layer_name(prefix: str | None, suffix: str) -> str | None:
    return None if prefix is None else f"{prefix}_{suffix}"


def vgg_block(x, filters: int, num_convs: int, *, batch_norm: bool = False, name: str | None = None):
    """Adds a VGG block to ``x``: ``num_convs`` 3x3 "same" ReLU convolutions, then 2x2 max-pooling.

    With ``name="block1"`` the layers are named as in ``keras.applications.VGG16``:
    ``block1_conv1``, ``block1_conv2``, ``block1_pool``.

    Args:
        x: a 4D symbolic tensor ``(batch, height, width, channels)``, height and width >= 2.
        filters: the number of filters of each convolution.
        num_convs: the number of convolutions.
        batch_norm: put a ``BatchNormalization`` between each convolution (then without bias)
            and its ReLU.
        name: a prefix for the layer names (``None``: Keras's automatic names).

    Returns:
        The block's output tensor, ``(batch, height // 2, width // 2, filters)``.

    Raises:
        TypeError: if ``x`` is not a symbolic tensor or an argument has the wrong type.
        ValueError: if ``filters`` or ``num_convs`` < 1, or the input is smaller than 2x2.

    Example:
    >>> import keras
    >>> import dlcourse
    >>> dlcourse.vgg_block(keras.Input((32, 32, 3)), 64, 2, name="block1").shape
    (None, 16, 16, 64)
    """
    check_keras_tensor("x", x, ndim=4)
    filters = check_int("filters", filters, minimum=1)
    num_convs = check_int("num_convs", num_convs, minimum=1)
    check_bool("batch_norm", batch_norm)
    check_name("name", name, optional=True)
    if any(dim is not None and dim < 2 for dim in x.shape[1:3]):
        raise ValueError(f"x must be at least 2x2 for the block's 2x2 max-pooling; received x of shape {x.shape}")
    import keras

    for i in range(1, num_convs + 1):
        x = keras.layers.Conv2D(
            filters, 3, padding="same", activation=None if batch_norm else "relu", use_bias=not batch_norm,
            name=_layer_name(name, f"conv{i}"),
        )(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=_layer_name(name, f"conv{i}_bn"))(x)
            x = keras.layers.Activation("relu", name=_layer_name(name, f"conv{i}_relu"))(x)
    return keras.layers.MaxPooling2D(2, strides=2, name=_layer_name(name, "pool"))(x)


def inception_module(
    x,
    filters_1x1: int,
    filters_3x3_reduce: int,
    filters_3x3: int,
    filters_5x5_reduce: int,
    filters_5x5: int,
    filters_pool_proj: int,
    *,
    name: str | None = None,
):
    """Adds a GoogLeNet Inception module (Szegedy et al., 2014, figure 2b) to ``x``.

    Four "same" ReLU branches concatenated along the channels: a 1x1 convolution; a 1x1
    reduction then a 3x3 convolution; a 1x1 reduction then a 5x5 convolution; a 3x3 stride-1
    max-pooling then a 1x1 projection. Module (3a), ``64, 96, 128, 16, 32, 32``, maps 28x28x192
    to 28x28x256 with 163,696 parameters.

    Args:
        x: a 4D symbolic tensor ``(batch, height, width, channels)``.
        filters_1x1: filters of the 1x1 branch.
        filters_3x3_reduce: filters of the 1x1 reduction before the 3x3 convolution.
        filters_3x3: filters of the 3x3 convolution.
        filters_5x5_reduce: filters of the 1x1 reduction before the 5x5 convolution.
        filters_5x5: filters of the 5x5 convolution.
        filters_pool_proj: filters of the 1x1 projection after the max-pooling.
        name: a prefix for the layer names, e.g. ``"inception_3a"`` (``None``: automatic names).

    Returns:
        The module's output tensor, with the input's height and width.

    Raises:
        TypeError: if ``x`` is not a symbolic tensor or a filter count not an int.
        ValueError: if a filter count is < 1.

    Example:
    >>> import keras
    >>> import dlcourse
    >>> dlcourse.inception_module(keras.Input((28, 28, 192)), 64, 96, 128, 16, 32, 32).shape
    (None, 28, 28, 256)
    """
    check_keras_tensor("x", x, ndim=4)
    counts = {
        "filters_1x1": filters_1x1,
        "filters_3x3_reduce": filters_3x3_reduce,
        "filters_3x3": filters_3x3,
        "filters_5x5_reduce": filters_5x5_reduce,
        "filters_5x5": filters_5x5,
        "filters_pool_proj": filters_pool_proj,
    }
    for argname, value in counts.items():
        check_int(argname, value, minimum=1)
    check_name("name", name, optional=True)
    import keras

    def conv(tensor, filters, size, suffix):
        return keras.layers.Conv2D(
            filters, size, padding="same", activation="relu", name=_layer_name(name, suffix)
        )(tensor)

    branch_1 = conv(x, filters_1x1, 1, "1x1")
    branch_3 = conv(conv(x, filters_3x3_reduce, 1, "3x3_reduce"), filters_3x3, 3, "3x3")
    branch_5 = conv(conv(x, filters_5x5_reduce, 1, "5x5_reduce"), filters_5x5, 5, "5x5")
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=_layer_name(name, "pool"))(x)
    branch_pool = conv(pooled, filters_pool_proj, 1, "pool_proj")
    return keras.layers.Concatenate(axis=-1, name=_layer_name(name, "concat"))(
        [branch_1, branch_3, branch_5, branch_pool]
    )


def residual_block(x, filters: int, *, strides: int = 1, batch_norm: bool = True, name: str | None = None):
    """Adds a ResNet basic residual block (He et al., 2015, figure 2) to ``x``.

    Returns ``relu(f(x) + shortcut(x))`` with ``f = Conv 3x3 (strides) -> BN -> ReLU -> Conv 3x3
    -> BN``. The shortcut is ``x`` itself when the shapes match, else a 1x1 convolution with
    ``strides`` (+ BN), the "projection shortcut" (layer ``{name}_proj``).

    Args:
        x: a 4D symbolic tensor ``(batch, height, width, channels)``.
        filters: the number of filters of both convolutions (the output channels).
        strides: the stride of the first convolution and of the projection (2 halves the size).
        batch_norm: use ``BatchNormalization`` (the convolutions then have no bias).
        name: a prefix for the layer names (``None``: Keras's automatic names).

    Returns:
        The block's output tensor, ``(batch, ceil(height / strides), ceil(width / strides),
        filters)``.

    Raises:
        TypeError: if ``x`` is not a symbolic tensor or an argument has the wrong type.
        ValueError: if ``filters`` or ``strides`` < 1.

    Example:
    >>> import keras
    >>> import dlcourse
    >>> dlcourse.residual_block(keras.Input((32, 32, 16)), 32, strides=2).shape
    (None, 16, 16, 32)
    """
    check_keras_tensor("x", x, ndim=4)
    filters = check_int("filters", filters, minimum=1)
    strides = check_int("strides", strides, minimum=1)
    check_bool("batch_norm", batch_norm)
    check_name("name", name, optional=True)
    import keras

    def conv(tensor, size, stride, suffix):
        return keras.layers.Conv2D(
            filters, size, strides=stride, padding="same", use_bias=not batch_norm, name=_layer_name(name, suffix)
        )(tensor)

    def norm(tensor, suffix):
        return keras.layers.BatchNormalization(name=_layer_name(name, suffix))(tensor) if batch_norm else tensor

    y = norm(conv(x, 3, strides, "conv1"), "bn1")
    y = keras.layers.Activation("relu", name=_layer_name(name, "relu1"))(y)
    y = norm(conv(y, 3, 1, "conv2"), "bn2")
    shortcut = x
    if strides != 1 or x.shape[-1] != filters:
        shortcut = norm(conv(x, 1, strides, "proj"), "proj_bn")
    y = keras.layers.Add(name=_layer_name(name, "add"))([y, shortcut])
    return keras.layers.Activation("relu", name=_layer_name(name, "out"))(y)
