"""Small convolutional networks: ``build_convnet`` (conv blocks, pooling, dense top, task head) and
``fast_convnet`` (strided convolutions with batch norm, for training fast on a CPU)."""

from __future__ import annotations

from dlcourse.models.dense import dense_stack
from dlcourse.models.regularization import resolve_augmentation, weight_constraint, weight_regularizer
from dlcourse.tasks import output_layer
from dlcourse.validation import (
    check_activation,
    check_bool,
    check_choice,
    check_float,
    check_image_shape,
    check_int_sequence,
    check_name,
    check_pair,
    check_rate,
)

__all__ = ["build_convnet", "fast_convnet"]

_POOLINGS = ("max", "average", None)
_TOPS = ("flatten", "global_average", "global_max")


def _conv_out(size, kernel, stride, padding):
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    return (size - kernel) // stride + 1 if size >= kernel else 0


def _check_feature_map(shape, filters, kernel_size, strides, padding, pooling, pool_size, pool_last):
    """Raises ValueError when the feature map would vanish before the top."""
    sizes = list(shape[:2])
    last = len(filters) - 1
    for i in range(len(filters)):
        for axis in (0, 1):
            before = sizes[axis]
            sizes[axis] = _conv_out(before, kernel_size[axis], strides[axis], padding)
            if sizes[axis] == 0:
                raise ValueError(
                    f"input_shape={tuple(shape)} is too small for filters={tuple(filters)}: conv block {i + 1} gets a "
                    f"{before}-pixel-wide map, smaller than its kernel_size={kernel_size}; use a larger input, fewer "
                    "blocks, padding='same' or pooling=None"
                )
            if pooling is not None and (i < last or pool_last) and sizes[axis] is not None:
                before = sizes[axis]
                sizes[axis] //= pool_size[axis]
                if sizes[axis] == 0:
                    raise ValueError(
                        f"input_shape={tuple(shape)} is too small for filters={tuple(filters)}: the pooling after "
                        f"conv block {i + 1} gets a {before}-pixel-wide map, smaller than pool_size={pool_size}; use "
                        "a larger input, fewer blocks, padding='same' or pooling=None"
                    )


def _image_input(shape, augmentation, rescale):
    """The ``Input``, then the augmentation block and ``Rescaling`` when given: (inputs, tensor)."""
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = inputs if augmentation is None else augmentation(inputs)
    if rescale is not None:
        x = keras.layers.Rescaling(rescale, name="rescaling")(x)
    return inputs, x


def build_convnet(
    input_shape,
    task: str,
    *,
    num_classes: int | None = None,
    filters=(32, 64, 64),
    kernel_size=3,
    strides=1,
    padding: str = "valid",
    pooling: str | None = "max",
    pool_size=2,
    pool_last: bool = False,
    batch_norm: bool = False,
    augmentation=None,
    rescale: float | None = None,
    top: str = "flatten",
    dense_units=(64,),
    activation="relu",
    dropout_rate: float = 0.0,
    l1: float = 0.0,
    l2: float = 0.0,
    max_norm: float | None = None,
    name: str = "convnet",
):
    """Builds a convnet: conv blocks with pooling, a dense top and the head of ``task``.

    The layers: ``Input`` -> augmentation (optional; active only in training) -> ``Rescaling``
    (optional) -> per entry of ``filters``: ``Conv2D [-> BatchNormalization] -> activation`` and
    pooling (not after the last block unless ``pool_last``) -> ``Flatten`` or global pooling
    (``top``) -> hidden ``Dense`` layers -> ``Dropout`` (if ``dropout_rate > 0``) -> the head.
    Textbook parameter counts: MNIST (Chollet, listing 8.1),
    ``build_convnet((28, 28, 1), "multiclass", num_classes=10)``: 93,322; cats vs dogs
    (listing 8.7), ``build_convnet((180, 180, 3), "binary", filters=(32, 64, 128, 256, 256),
    dense_units=(), rescale=1/255)``: 991,041.

    Args:
        input_shape: the image shape ``(height, width, channels)``.
        task: one of ``dlcourse.tasks.TASKS``.
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        filters: the number of filters of each conv block.
        kernel_size: the convolutions' kernel size (an int or a pair).
        strides: the convolutions' strides (an int or a pair).
        padding: the convolutions' padding, ``"valid"`` or ``"same"``.
        pooling: ``"max"``, ``"average"`` or ``None`` (no pooling layers).
        pool_size: the pooling window and stride (an int or a pair).
        pool_last: also pool after the last conv block.
        batch_norm: put a ``BatchNormalization`` between each convolution (then without bias)
            and its activation, and in the hidden dense layers.
        augmentation: ``None``, ``"default"`` (:func:`augmentation_block` with its defaults) or a
            Keras layer.
        rescale: ``None`` or a factor such as ``1/255`` for a ``Rescaling`` layer.
        top: ``"flatten"``, ``"global_average"`` or ``"global_max"``.
        dense_units: the widths of the hidden dense layers after the top; ``()`` for none.
        activation: the activation of the conv and hidden dense layers.
        dropout_rate: the rate of the ``Dropout`` before the head, in [0, 1).
        l1: the L1 weight penalty on each conv and hidden dense kernel.
        l2: the L2 weight penalty on each conv and hidden dense kernel.
        max_norm: a max-norm constraint on each conv and hidden dense kernel.
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value, including an input too small for the
            number of blocks.

    Example:
    >>> import dlcourse
    >>> dlcourse.build_convnet((28, 28, 1), "multiclass", num_classes=10).count_params()
    93322
    """
    shape = check_image_shape("input_shape", input_shape)
    head = output_layer(task, num_classes=num_classes)
    filters = check_int_sequence("filters", filters, allow_empty=False)
    kernel_size = check_pair("kernel_size", kernel_size)
    strides = check_pair("strides", strides)
    check_choice("padding", padding, ("valid", "same"))
    check_choice("pooling", pooling, _POOLINGS)
    pool_size = check_pair("pool_size", pool_size)
    check_bool("pool_last", pool_last)
    augmentation = resolve_augmentation(augmentation)
    if rescale is not None:
        rescale = check_float("rescale", rescale, minimum=0.0, min_inclusive=False)
    check_choice("top", top, _TOPS)
    dense_units = check_int_sequence("dense_units", dense_units)
    check_activation("activation", activation)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    regularizer = weight_regularizer(l1, l2)
    dense_constraint = weight_constraint(max_norm)
    check_bool("batch_norm", batch_norm)
    check_name("name", name)
    _check_feature_map(shape, filters, kernel_size, strides, padding, pooling, pool_size, pool_last)
    import keras

    # A Conv2D kernel's max-norm is taken over its rows, columns and input channels.
    conv_constraint = None if max_norm is None else keras.constraints.MaxNorm(max_norm, axis=[0, 1, 2])
    pool_class = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}.get(pooling)
    inputs, x = _image_input(shape, augmentation, rescale)
    for i, n in enumerate(filters, start=1):
        x = keras.layers.Conv2D(
            n, kernel_size, strides=strides, padding=padding, activation=None if batch_norm else activation,
            use_bias=not batch_norm, kernel_regularizer=regularizer, kernel_constraint=conv_constraint,
            name=f"conv_{i}",
        )(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"conv_{i}_bn")(x)
            x = keras.layers.Activation(activation, name=f"conv_{i}_act")(x)
        if pool_class is not None and (i < len(filters) or pool_last):
            x = pool_class(pool_size, name=f"pool_{i}")(x)
    top_class = {"flatten": keras.layers.Flatten, "global_average": keras.layers.GlobalAveragePooling2D}
    x = top_class.get(top, keras.layers.GlobalMaxPooling2D)(name=top)(x)
    x = dense_stack(
        x, dense_units, activation=activation, batch_norm=batch_norm, kernel_regularizer=regularizer,
        kernel_constraint=dense_constraint,
    )
    if dropout_rate:
        x = keras.layers.Dropout(dropout_rate, name="dropout")(x)
    return keras.Model(inputs, head(x), name=name)


def fast_convnet(
    input_shape,
    task: str,
    *,
    num_classes: int | None = None,
    filters=(32, 64, 128),
    dropout_rate: float = 0.0,
    augmentation=None,
    rescale: float | None = None,
    name: str = "fast_convnet",
):
    """Builds the package's fast convnet: strided convolutions with batch norm, no pooling layers.

    Each block is ``Conv2D(3x3, strides=2, padding="same", no bias) -> BatchNormalization ->
    ReLU``, so every block halves the feature map (28x28 -> 14 -> 7 -> 4) and the costly layers
    run on small maps; then ``Flatten``, ``Dropout`` (if ``dropout_rate > 0``) and the head.
    Trained with :func:`dlcourse.training.train` and ``label_smoothing=0.1``, it is the course's
    route to a good image model in little time on a CPU.

    Args:
        input_shape: the image shape ``(height, width, channels)``.
        task: one of ``dlcourse.tasks.TASKS``.
        num_classes: the number of classes for ``"multiclass"``/``"multilabel"``.
        filters: the number of filters of each block.
        dropout_rate: the rate of the ``Dropout`` before the head, in [0, 1).
        augmentation: ``None``, ``"default"`` or a Keras layer (see :func:`build_convnet`).
        rescale: ``None`` or a factor such as ``1/255`` for a ``Rescaling`` layer.
        name: the model's name.

    Returns:
        An uncompiled functional ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value.

    Example:
    >>> import dlcourse
    >>> model = dlcourse.fast_convnet((28, 28, 1), "multiclass", num_classes=10)
    >>> model.count_params(), model.get_layer("conv_3").output.shape
    (113834, (None, 4, 4, 128))
    """
    shape = check_image_shape("input_shape", input_shape)
    head = output_layer(task, num_classes=num_classes)
    filters = check_int_sequence("filters", filters, allow_empty=False)
    dropout_rate = check_rate("dropout_rate", dropout_rate)
    augmentation = resolve_augmentation(augmentation)
    if rescale is not None:
        rescale = check_float("rescale", rescale, minimum=0.0, min_inclusive=False)
    check_name("name", name)
    import keras

    inputs, x = _image_input(shape, augmentation, rescale)
    for i, n in enumerate(filters, start=1):
        x = keras.layers.Conv2D(n, 3, strides=2, padding="same", use_bias=False, name=f"conv_{i}")(x)
        # momentum 0.9 instead of Keras's 0.99: the moving statistics that inference uses catch up
        # within tens of steps, not hundreds, so a run of one or two epochs can be used at once
        # (Fashion-MNIST after 128 steps: 84% test accuracy against 21% with 0.99; measured with
        # the recipe of benchmarks/time_to_accuracy.py).
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"conv_{i}_bn")(x)
        x = keras.layers.Activation("relu", name=f"conv_{i}_act")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    if dropout_rate:
        x = keras.layers.Dropout(dropout_rate, name="dropout")(x)
    return keras.Model(inputs, head(x), name=name)
