"""Whole convolutional architectures: the classic ones at their published sizes, and small ones.

* :func:`lenet5`, :func:`alexnet`, :func:`vgg16` reproduce the published layer sizes and
  parameter counts.
* :func:`small_vgg`, :func:`small_inception`, :func:`small_resnet` are a few blocks of the real
  architecture (:mod:`dlcourse.models.blocks`) with a global average pooling top, sized so that an
  epoch over a few thousand 28x28 images takes seconds on a laptop CPU. The comparison they support
  is of the ideas (stacked 3x3 convolutions, parallel branches, residual connections), not of
  ImageNet accuracy.
"""

from __future__ import annotations

from dlcourse.models.blocks import inception_module, residual_block, vgg_block
from dlcourse.tasks import output_layer, output_units
from dlcourse.validation import (
    check_activation,
    check_bool,
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


def _scaled(filters: int, width: float) -> int:
    return max(1, int(round(filters * width)))


def lenet5(
    input_shape=(32, 32, 1),
    num_classes: int = 10,
    *,
    activation="tanh",
    padding: str = "valid",
    name: str = "lenet5",
):
    """Builds LeNet-5 (LeCun et al., 1998) with 61,706 parameters.

    ======= ================================== =============== ==========
    layer   what                               output (32x32)  parameters
    ======= ================================== =============== ==========
    C1      6 convolutions 5x5                 28x28x6         156
    S2      2x2 average pooling                14x14x6         0
    C3      16 convolutions 5x5                10x10x16        2,416
    S4      2x2 average pooling                5x5x16          0
    C5      120 convolutions 5x5               1x1x120         48,120
    F6      dense, 84 units                    84              10,164
    output  dense softmax, ``num_classes``     10              850
    ======= ================================== =============== ==========

    Modern simplifications: S2/S4 are plain average pooling (the original had a trainable
    coefficient and bias per map), C3 sees all six S2 maps (the original used a sparse
    connection table) and the output is a softmax (the original used RBF units). For 28x28
    MNIST digits use ``padding="same"`` in C1 (LeCun padded the digits to 32x32); the parameter
    count does not change.

    Args:
        input_shape: the image shape; the map before C5 must be at least 5x5.
        num_classes: the number of classes (>= 2).
        activation: the activation of C1, C3, C5 and F6 (``"tanh"`` as in the paper).
        padding: the padding of C1, ``"valid"`` or ``"same"``.
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model`` with layers named ``C1``, ``S2``, ... ``F6``,
        ``predictions``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value or the input is too small.

    Example:

    >>> import dlcourse
    >>> dlcourse.lenet5().count_params()
    61706
    """
    shape = check_image_shape("input_shape", input_shape)
    output_units("multiclass", num_classes)
    check_activation("activation", activation)
    check_choice("padding", padding, ("valid", "same"))
    check_name("name", name)
    for dim in shape[:2]:
        if dim is None:
            continue
        c1 = dim if padding == "same" else dim - 4
        if c1 < 1 or (c1 // 2 - 4) // 2 < 5:
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
    outputs = output_layer("multiclass", num_classes=num_classes)(x)
    return keras.Model(inputs, outputs, name=name)


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
    """Builds an AlexNet-style network (Krizhevsky, Sutskever & Hinton, 2012).

    ``conv1`` 96@11x11 stride 4 (valid) -> 3x3/2 max-pool -> ``conv2`` 256@5x5 -> max-pool ->
    ``conv3`` 384@3x3 -> ``conv4`` 384@3x3 -> ``conv5`` 256@3x3 -> max-pool -> ``fc6`` and ``fc7``
    (``dense_units`` each, ReLU, each followed by dropout) -> softmax. All activations are ReLU,
    conv2-5 use "same" padding. As in most modern re-implementations it is the single-tower
    version (no split over two GPUs) without local response normalization.

    At the defaults (227x227x3, 1000 classes) it has 62,378,344 parameters (the figure usually
    quoted, about 60 million). ``width`` multiplies every convolution's filters; with
    ``kernel_size=3, strides=1`` the first layer suits small images:
    ``alexnet((32, 32, 3), 10, width=0.25, kernel_size=3, strides=1, dense_units=256)`` has
    367,082 parameters.

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

    Example:

    >>> import dlcourse
    >>> dlcourse.alexnet().count_params()
    62378344
    """
    shape = check_image_shape("input_shape", input_shape)
    output_units("multiclass", num_classes)
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
    x = keras.layers.Flatten(name="flatten")(x)
    for fc in ("fc6", "fc7"):
        x = keras.layers.Dense(dense_units, activation="relu", name=fc)(x)
        if dropout_rate:
            x = keras.layers.Dropout(dropout_rate, name=f"{fc}_dropout")(x)
    outputs = output_layer("multiclass", num_classes=num_classes)(x)
    return keras.Model(inputs, outputs, name=name)


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

    Five VGG blocks with (64, 128, 256, 512, 512) filters and (2, 2, 3, 3, 3) convolutions, then
    ``Flatten -> fc1 -> fc2`` (``dense_units`` each, ReLU) -> softmax. The layer names and, at
    the defaults, all parameter counts equal ``keras.applications.VGG16(weights=None)``:
    138,357,544 parameters, 102,764,544 of them in ``fc1``.

    Args:
        input_shape: the image shape, at least 32x32 (five 2x2 poolings).
        num_classes: the number of classes (>= 2).
        width: the factor on the number of filters of every convolution (> 0).
        dense_units: the units of ``fc1`` and ``fc2``.
        dropout_rate: the dropout rate after ``fc1`` and ``fc2`` (0.5 in the paper's training;
            0, the default, matches ``keras.applications.VGG16``).
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value or the input is smaller than 32x32.

    Example:

    >>> import dlcourse
    >>> dlcourse.vgg16().count_params()
    138357544
    """
    shape = check_image_shape("input_shape", input_shape, min_size=32)
    output_units("multiclass", num_classes)
    width = check_float("width", width, minimum=0.0, min_inclusive=False)
    dense_units = check_int("dense_units", dense_units, minimum=1)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("name", name)
    import keras

    inputs = keras.Input(shape=shape, name="input_layer")
    x = inputs
    for i, (filters, num_convs) in enumerate(_VGG16_BLOCKS, start=1):
        x = vgg_block(x, _scaled(filters, width), num_convs, name=f"block{i}")
    x = keras.layers.Flatten(name="flatten")(x)
    for fc in ("fc1", "fc2"):
        x = keras.layers.Dense(dense_units, activation="relu", name=fc)(x)
        if dropout_rate:
            x = keras.layers.Dropout(dropout_rate, name=f"{fc}_dropout")(x)
    outputs = output_layer("multiclass", num_classes=num_classes)(x)
    return keras.Model(inputs, outputs, name=name)


_INCEPTION_MODULES = (
    ("inception_a", (16, 16, 24, 4, 8, 8)),
    ("inception_b", (24, 24, 32, 4, 12, 12)),
    ("pool", None),
    ("inception_c", (32, 32, 48, 8, 16, 16)),
)


def _top(x, num_classes, dropout_rate):
    import keras

    x = keras.layers.GlobalAveragePooling2D(name="global_average")(x)
    if dropout_rate:
        x = keras.layers.Dropout(dropout_rate, name="dropout")(x)
    return output_layer("multiclass", num_classes=num_classes)(x)


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
    """Builds a small VGG-style network: :func:`vgg_block` s, global average pooling, softmax.

    At the defaults (28x28x1, 10 classes) it has 72,442 parameters; 28x28 becomes 3x3 after the
    three blocks.

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

    Example:

    >>> import dlcourse
    >>> dlcourse.small_vgg().count_params()
    72442
    """
    filters = check_int_sequence("filters", filters, allow_empty=False)
    shape = check_image_shape("input_shape", input_shape, min_size=2 ** len(filters))
    output_units("multiclass", num_classes)
    convs_per_block = check_int("convs_per_block", convs_per_block, minimum=1)
    check_bool("batch_norm", batch_norm)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name("name", name)
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = inputs
    for i, n in enumerate(filters, start=1):
        x = vgg_block(x, n, convs_per_block, batch_norm=batch_norm, name=f"block{i}")
    return keras.Model(inputs, _top(x, num_classes, dropout_rate), name=name)


def small_inception(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    stem_filters: int = 32,
    dropout_rate: float = 0.0,
    name: str = "small_inception",
):
    """Builds a small GoogLeNet-style network from three :func:`inception_module` s.

    ``Conv 3x3 (stem_filters) -> 2x2 max-pool -> inception_a (56 channels) -> inception_b (80)
    -> 2x2 max-pool -> inception_c (112) -> global average pooling -> softmax``. At the defaults
    (28x28x1, 10 classes) it has 43,210 parameters.

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

    Example:

    >>> import dlcourse
    >>> dlcourse.small_inception().count_params()
    43210
    """
    shape = check_image_shape("input_shape", input_shape, min_size=4)
    output_units("multiclass", num_classes)
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
    return keras.Model(inputs, _top(x, num_classes, dropout_rate), name=name)


def small_resnet(
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    *,
    filters=(16, 32, 64),
    blocks_per_stage: int = 1,
    dropout_rate: float = 0.0,
    name: str = "small_resnet",
):
    """Builds a small ResNet: a stem, stages of :func:`residual_block` s, global average pooling.

    ``Conv 3x3 (filters[0]) -> BN -> ReLU`` then one stage per entry of ``filters``, each of
    ``blocks_per_stage`` residual blocks; every stage after the first starts with a stride-2
    block (with a projection shortcut), halving the size. At the defaults (28x28x1, 10 classes:
    28 -> 14 -> 7) it has 78,426 parameters.

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

    Example:

    >>> import dlcourse
    >>> dlcourse.small_resnet().count_params()
    78426
    """
    shape = check_image_shape("input_shape", input_shape)
    output_units("multiclass", num_classes)
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
    return keras.Model(inputs, _top(x, num_classes, dropout_rate), name=name)
