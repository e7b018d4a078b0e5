"""Small VGG, Inception and ResNet networks for notebook 12's comparison on 28x28 or 32x32 images.

Each is a few blocks of the real architecture (:mod:`dlcourse.models.blocks`) with a global
average pooling top, sized so that an epoch over a few thousand 28x28 images takes seconds on a
laptop CPU. The comparison they support is of the ideas (stacked 3x3 convolutions, parallel
branches, residual connections), not of ImageNet accuracy.
"""

from __future__ import annotations

from dlcourse._validation import check_bool, check_int, check_int_sequence, check_rate
from dlcourse.heads import output_layer, output_units
from dlcourse.models._common import check_image_shape, check_name
from dlcourse.models.blocks import inception_module, residual_block, vgg_block

__all__ = ["small_vgg", "small_inception", "small_resnet"]

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

    >>> small_vgg().count_params()
    72442
    """
    filters = check_int_sequence("filters", filters, allow_empty=False)
    shape = check_image_shape(input_shape, min_size=2 ** len(filters))
    output_units("multiclass", num_classes)
    convs_per_block = check_int("convs_per_block", convs_per_block, minimum=1)
    check_bool("batch_norm", batch_norm)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name(name)
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

    >>> small_inception().count_params()
    43210
    """
    shape = check_image_shape(input_shape, min_size=4)
    output_units("multiclass", num_classes)
    stem_filters = check_int("stem_filters", stem_filters, minimum=1)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name(name)
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

    >>> small_resnet().count_params()
    78426
    """
    shape = check_image_shape(input_shape)
    output_units("multiclass", num_classes)
    filters = check_int_sequence("filters", filters, allow_empty=False)
    blocks_per_stage = check_int("blocks_per_stage", blocks_per_stage, minimum=1)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    check_name(name)
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
