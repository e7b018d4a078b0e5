"""Whole convolutional architectures: the classic ones at their published sizes, and small ones.

The small ones are a few blocks (:mod:`dlcourse.models.blocks`) under a global average pooling
top, small enough to train on 28x28 images on a laptop CPU.
"""

from __future__ import annotations

from dlcourse.models.blocks import inception_module, residual_block, vgg_block
from dlcourse.tasks import output_layer
from dlcourse.validation import (
    check_activation,
    check_choice,
    check_float,
    check_image_shape,
    check_int,
    check_int_sequence,
    check_name,
    check_pair,
    check_rate,
)

__all__ = ["lenet5", "alexnet", "vgg16", "small_vgg", "small_inception", "small_resnet"]

_VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
_INCEPTION_MODULES = (
    ("inception_a", (16, 16, 24, 4, 8, 8)),
    ("inception_b", (24, 24, 32, 4, 12, 12)),
    ("pool", None),
    ("inception_c", (32, 32, 48, 8, 16, 16)),
)


def _scaled(filters: int, width: float) -> int:
    return max(1, int(round(filters * width)))


def _dense_top(x, names, units, dropout_rate):
    """``Flatten`` then one ReLU ``Dense(units)`` per name, each followed by dropout (if any)."""
    import keras

    x = keras.layers.Flatten(name="flatten")(x)
    for fc in names:
        x = keras.layers.Dense(units, activation="relu", name=fc)(x)
        if dropout_rate:
            x = keras.layers.Dropout(dropout_rate, name=f"{fc}_dropout")(x)
    return x


def _pooled_top(x, head, dropout_rate):
    """Global average pooling, dropout (if any) and the softmax head of the small networks."""
    import keras

    x = keras.layers.GlobalAveragePooling2D(name="global_average")(x)
    if dropout_rate:
        x = keras.layers.Dropout(dropout_rate, name="dropout")(x)
    return head(x)


def lenet5(
    input_shape=(32, 32, 1),
    num_classes: int = 10,
    *,
    activation="tanh",
    padding: str = "valid",
    name: str = "lenet5",
):
    """Builds LeNet-5 (LeCun et al., 1998): 61,706 parameters at the defaults.

    ``C1`` 6@5x5 -> ``S2`` 2x2 average pooling -> ``C3`` 16@5x5 -> ``S4`` -> ``C5`` 120@5x5 ->
    ``F6`` dense 84 -> softmax, with plain average pooling, a full C3 and a softmax output. Use
    ``padding="same"`` for 28x28 digits (same parameter count).

    Args:
        input_shape: the image shape; the map before C5 must be at least 5x5.
        num_classes: the number of classes (>= 2).
        activation: the activation of C1, C3, C5 and F6.
        padding: the padding of C1, ``"valid"`` or ``"same"``.
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value or the input is too small.
    """
    shape = check_image_shape("input_shape", input_shape)
    head = output_layer("multiclass", num_classes=num_classes)
    check_activation("activation", activation)
    check_choice("padding", padding, ("valid", "same"))
    check_name("name", name)
    for dim in shape[:2]:
        c1 = dim if dim is None or padding == "same" else dim - 4
        if c1 is not None and (c1 < 1 or (c1 // 2 - 4) // 2 < 5):
            raise ValueError(
                f"input_shape={shape!r} is too small for LeNet-5 with padding={padding!r}: C5 needs a 5x5 map; "
                "use at least 32x32 with padding='valid' or 28x28 with padding='same'"
            )
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = keras.layers.Conv2D(6, 5, padding=padding, activation=activation, name="C1")(inputs)
    x = keras.layers.AveragePooling2D(2, name="S2")(x)
    x = keras.layers.Conv2D(16, 5, activation=activation, name="C3")(x)
    x = keras.layers.AveragePooling2D(2, name="S4")(x)
    x = keras.layers.Conv2D(120, 5, activation=activation, name="C5")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(84, activation=activation, name="F6")(x)
    return keras.Model(inputs, head(x), name=name)


def _alexnet_check_size(shape, kernel_size, strides):
    for axis in (0, 1):
        size = shape[axis]
        if size is None:
            continue
        stages = [("conv1", kernel_size[axis], strides[axis]), ("pool1", 3, 2), ("pool2", 3, 2), ("pool5", 3, 2)]
        for layer, window, stride in stages:
            if size < window:
                raise ValueError(
                    f"input_shape={shape!r} is too small for AlexNet with kernel_size={kernel_size}, "
                    f"strides={strides}: {layer} gets a {size}-pixel map, smaller than its {window}x{window} window. "
                    "Use at least 67x67, or kernel_size=3, strides=1 for small images such as 32x32"
                )
            size = (size - window) // stride + 1


def alexnet(
    input_shape=(227, 227, 3),
    num_classes: int = 1000,
    *,
    width: float = 1.0,
    dropout_rate: float = 0.5,
    kernel_size=11,
    strides=4,
    dense_units: int = 4096,
    name: str = "alexnet",
):
    """Builds a single-tower AlexNet (Krizhevsky et al., 2012) without local response normalization.

    Five ReLU convolutions (96@11x11 stride 4, 256@5x5, 384, 384, 256@3x3) with three 3x3/2
    max-poolings, then ``fc6``, ``fc7`` with dropout, then softmax: 62,378,344 parameters at the
    defaults. ``width`` scales every convolution's filters; ``kernel_size=3, strides=1`` suits small
    images.

    Args:
        input_shape: the image shape ``(height, width, channels)``.
        num_classes: the number of classes (>= 2).
        width: the factor on the number of filters of each convolution (> 0).
        dropout_rate: the dropout rate after ``fc6`` and ``fc7``, in [0, 1).
        kernel_size: the kernel size of ``conv1`` (an int or a pair).
        strides: the strides of ``conv1`` (an int or a pair).
        dense_units: the units of ``fc6`` and ``fc7``.
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value or the input is too small for the layers.
    """
    shape = check_image_shape("input_shape", input_shape)
    head = output_layer("multiclass", num_classes=num_classes)
    width = check_float("width", width, minimum=0.0, min_inclusive=False)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    kernel_size = check_pair("kernel_size", kernel_size)
    strides = check_pair("strides", strides)
    dense_units = check_int("dense_units", dense_units, minimum=1)
    check_name("name", name)
    _alexnet_check_size(shape, kernel_size, strides)
    import keras

    def conv(tensor, filters, size, conv_name, **kwargs):
        return keras.layers.Conv2D(_scaled(filters, width), size, activation="relu", name=conv_name, **kwargs)(tensor)

    def pool(tensor, pool_name):
        return keras.layers.MaxPooling2D(3, strides=2, name=pool_name)(tensor)

    inputs = keras.Input(shape=shape, name="inputs")
    x = pool(conv(inputs, 96, kernel_size, "conv1", strides=strides), "pool1")
    x = pool(conv(x, 256, 5, "conv2", padding="same"), "pool2")
    x = conv(x, 384, 3, "conv3", padding="same")
    x = conv(x, 384, 3, "conv4", padding="same")
    x = pool(conv(x, 256, 3, "conv5", padding="same"), "pool5")
    x = _dense_top(x, ("fc6", "fc7"), dense_units, dropout_rate)
    return keras.Model(inputs, head(x), name=name)


def vgg16(
    input_shape=(224, 224, 3),
    num_classes: int = 1000,
    *,
    width: float = 1.0,
    dense_units: int = 4096,
    dropout_rate: float = 0.0,
    name: str = "vgg16",
):
    """Builds VGG-16 (Simonyan & Zisserman, 2014, configuration D) from :func:`vgg_block` s.

    At the defaults the layer names and parameter counts equal
    ``keras.applications.VGG16(weights=None)``: 138,357,544 parameters.

    Args:
        input_shape: the image shape, at least 32x32 (five 2x2 poolings).
        num_classes: the number of classes (>= 2).
        width: the factor on the number of filters of every convolution (> 0).
        dense_units: the units of ``fc1`` and ``fc2``.
        dropout_rate: the dropout rate after ``fc1`` and ``fc2``, in [0, 1).
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value or the input is smaller than 32x32.
    """
    shape = check_image_shape("input_shape", input_shape, min_size=32)
    head = output_layer("multiclass", num_classes=num_classes)
    width = check_float("width", width, minimum=0.0, min_inclusive=False)
    dense_units = check_int("dense_units", dense_units, minimum=1)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("name", name)
    import keras

    inputs = keras.Input(shape=shape, name="input_layer")
    x = inputs
    for i, (filters, num_convs) in enumerate(_VGG16_BLOCKS, start=1):
        x = vgg_block(x, _scaled(filters, width), num_convs, name=f"block{i}")
    x = _dense_top(x, ("fc1", "fc2"), dense_units, dropout_rate)
    return keras.Model(inputs, head(x), name=name)


def small_vgg(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    filters=(16, 32, 64),
    convs_per_block: int = 2,
    batch_norm: bool = False,
    dropout_rate: float = 0.0,
    name: str = "small_vgg",
):
    """Builds :func:`vgg_block` s under a global average pooling top: 72,442 parameters at the defaults.

    Args:
        input_shape: the image shape; height and width >= ``2 ** len(filters)``.
        num_classes: the number of classes (>= 2).
        filters: the filters of each VGG block.
        convs_per_block: the number of 3x3 convolutions per block.
        batch_norm: add ``BatchNormalization`` after each convolution.
        dropout_rate: the rate of a ``Dropout`` before the head, in [0, 1).
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value or the input is too small for the blocks.
    """
    filters = check_int_sequence("filters", filters, allow_empty=False)
    shape = check_image_shape("input_shape", input_shape, min_size=2 ** len(filters))
    head = output_layer("multiclass", num_classes=num_classes)
    convs_per_block = check_int("convs_per_block", convs_per_block, minimum=1)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("name", name)
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = inputs
    for i, n in enumerate(filters, start=1):
        x = vgg_block(x, n, convs_per_block, batch_norm=batch_norm, name=f"block{i}")
    return keras.Model(inputs, _pooled_top(x, head, dropout_rate), name=name)


def small_inception(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    stem_filters: int = 32,
    dropout_rate: float = 0.0,
    name: str = "small_inception",
):
    """Builds a stem and three :func:`inception_module` s under a global average pooling top.

    43,210 parameters at the defaults.

    Args:
        input_shape: the image shape; height and width >= 4.
        num_classes: the number of classes (>= 2).
        stem_filters: the filters of the first convolution.
        dropout_rate: the rate of a ``Dropout`` before the head, in [0, 1).
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value or the input is smaller than 4x4.
    """
    shape = check_image_shape("input_shape", input_shape, min_size=4)
    head = output_layer("multiclass", num_classes=num_classes)
    stem_filters = check_int("stem_filters", stem_filters, minimum=1)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("name", name)
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = keras.layers.Conv2D(stem_filters, 3, padding="same", activation="relu", name="stem_conv")(inputs)
    x = keras.layers.MaxPooling2D(2, name="stem_pool")(x)
    for module_name, sizes in _INCEPTION_MODULES:
        if sizes is None:
            x = keras.layers.MaxPooling2D(2, name=module_name)(x)
        else:
            x = inception_module(x, *sizes, name=module_name)
    return keras.Model(inputs, _pooled_top(x, head, dropout_rate), name=name)


def small_resnet(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    filters=(16, 32, 64),
    blocks_per_stage: int = 1,
    dropout_rate: float = 0.0,
    name: str = "small_resnet",
):
    """Builds a stem and stages of :func:`residual_block` s under a global average pooling top.

    Every stage after the first starts with a stride-2 block; 78,426 parameters at the defaults.

    Args:
        input_shape: the image shape.
        num_classes: the number of classes (>= 2).
        filters: the filters of each stage.
        blocks_per_stage: the number of residual blocks per stage.
        dropout_rate: the rate of a ``Dropout`` before the head, in [0, 1).
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value.
    """
    shape = check_image_shape("input_shape", input_shape)
    head = output_layer("multiclass", num_classes=num_classes)
    filters = check_int_sequence("filters", filters, allow_empty=False)
    blocks_per_stage = check_int("blocks_per_stage", blocks_per_stage, minimum=1)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("name", name)
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = keras.layers.Conv2D(filters[0], 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.Activation("relu", name="stem_relu")(x)
    for stage, n in enumerate(filters, start=1):
        for block in range(1, blocks_per_stage + 1):
            strides = 2 if stage > 1 and block == 1 else 1
            x = residual_block(x, n, strides=strides, name=f"stage{stage}_block{block}")
    return keras.Model(inputs, _pooled_top(x, head, dropout_rate), name=name)
