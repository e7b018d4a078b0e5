"""Autoencoders: models trained to rebuild their own input (``autoencoder.fit(x, x)``).

Each builder returns ``(autoencoder, encoder, decoder)``, uncompiled functional models sharing
their layers: ``autoencoder(x) == decoder(encoder(x))``.
"""

from __future__ import annotations

import math

import numpy as np

from dlcourse.validation import (
    check_activation,
    check_float,
    check_image_shape,
    check_input_shape,
    check_int,
    check_int_sequence,
    check_name,
    check_pair,
    describe,
)

__all__ = ["build_dense_autoencoder", "build_conv_autoencoder", "code_size_lower_bound", "code_sparsity"]


def code_size_lower_bound(num_patterns: int) -> int:
    """Returns ``ceil(log2(num_patterns))``: how many binary units can hold ``num_patterns`` distinct codes.

    ``k`` binary (0/1) units take ``2**k`` distinct values, so a code of binary units needs at
    least ``ceil(log2(n))`` of them to give each of ``n`` distinct patterns a code of its own:
    the ``n`` one-hot patterns of the classic 8-3-8 encoder (3 units), the one-hot vectors of an
    ``n``-word vocabulary, or ``n`` classes. That is all it bounds. It is not a minimum code size
    for inputs of real values, such as the 784 pixels of an image (they are not 784 patterns),
    nor for units with real-valued activations, which are not on/off switches: a 2-unit
    real-valued code of Fashion-MNIST images still separates the classes (notebook 14).

    Args:
        num_patterns: the number of distinct patterns to tell apart, an int >= 2.

    Returns:
        The smallest ``k`` with ``2**k >= num_patterns``.

    Raises:
        TypeError: if ``num_patterns`` is not an int.
        ValueError: if ``num_patterns`` < 2.

    Example:
    >>> from dlcourse.models.autoencoders import code_size_lower_bound
    >>> code_size_lower_bound(10)  # 10 one-hot patterns: 4 binary units give 16 codes
    4
    """
    num_patterns = check_int("num_patterns", num_patterns, minimum=2)
    return math.ceil(math.log2(num_patterns))


def build_dense_autoencoder(
    input_shape,
    code_size: int,
    *,
    units=(128,),
    activation="relu",
    code_activation="relu",
    output_activation="sigmoid",
    activity_l1: float = 0.0,
    name: str = "dense_autoencoder",
):
    """Builds a fully connected autoencoder: ``(autoencoder, encoder, decoder)``.

    The encoder flattens the input and applies ``encoder_hidden_<i>`` layers and a ``"code"``
    layer; the decoder mirrors it up to ``"reconstruction"``, reshaped to ``input_shape``. With
    ``activity_l1 > 0`` the code gets an L1 activity penalty: a *sparse* autoencoder.

    Args:
        input_shape: the shape of one sample, such as ``(28, 28)``; an int ``n`` means ``(n,)``.
        code_size: the width of the code, an int >= 1.
        units: the widths of the encoder's hidden layers (the decoder reverses them).
        activation: the hidden layers' activation.
        code_activation: the code layer's activation (``None``: linear).
        output_activation: the reconstruction's activation (``None``: linear).
        activity_l1: the L1 activity penalty on the code, >= 0.
        name: the autoencoder's name; the others are ``<name>_encoder`` and ``<name>_decoder``.

    Returns:
        ``(autoencoder, encoder, decoder)``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a value is out of range.

    Example:
    >>> from dlcourse.models.autoencoders import build_dense_autoencoder
    >>> autoencoder, encoder, decoder = build_dense_autoencoder((784,), 32, units=())
    >>> encoder.output.shape, autoencoder.count_params()
    ((None, 32), 50992)
    """
    shape = check_input_shape("input_shape", input_shape)
    if not shape or any(dim is None for dim in shape):
        raise ValueError(f"input_shape must have at least one axis and no None; received input_shape={shape!r}")
    code_size = check_int("code_size", code_size, minimum=1)
    units = check_int_sequence("units", units)
    check_activation("activation", activation)
    check_activation("code_activation", code_activation, optional=True)
    check_activation("output_activation", output_activation, optional=True)
    activity_l1 = check_float("activity_l1", activity_l1, minimum=0.0)
    check_name("name", name)
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(shape) > 1 else inputs
    for i, n in enumerate(units, start=1):
        x = keras.layers.Dense(n, activation=activation, name=f"encoder_hidden_{i}")(x)
    regularizer = keras.regularizers.L1(activity_l1) if activity_l1 > 0 else None
    code = keras.layers.Dense(code_size, activation=code_activation, activity_regularizer=regularizer, name="code")(x)
    encoder = keras.Model(inputs, code, name=f"{name}_encoder")

    code_input = keras.Input(shape=(code_size,), name="code_input")
    y = code_input
    for i, n in enumerate(reversed(units), start=1):
        y = keras.layers.Dense(n, activation=activation, name=f"decoder_hidden_{i}")(y)
    y = keras.layers.Dense(int(np.prod(shape)), activation=output_activation, name="reconstruction")(y)
    if len(shape) > 1:
        y = keras.layers.Reshape(shape, name="reshape")(y)
    decoder = keras.Model(code_input, y, name=f"{name}_decoder")

    autoencoder_input = keras.Input(shape=shape, name="inputs")
    autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name=name)
    return autoencoder, encoder, decoder


def build_conv_autoencoder(
    input_shape,
    *,
    filters=(32, 32),
    kernel_size=3,
    activation="relu",
    output_activation="sigmoid",
    name: str = "conv_autoencoder",
):
    """Builds a convolutional autoencoder: ``(autoencoder, encoder, decoder)``.

    Each encoder block is a "same" ``Conv2D`` and a 2x2 max-pooling (the last is ``"code"``); the
    decoder mirrors it with stride-2 ``Conv2DTranspose`` layers and a last ``Conv2D``,
    ``"reconstruction"``. The defaults on ``(28, 28, 1)`` give the denoising model of the Keras
    examples.

    Args:
        input_shape: the image shape; height and width divisible by ``2**len(filters)``.
        filters: the number of filters of each encoder block (the decoder reverses them).
        kernel_size: the kernel size of every convolution (an int or a pair).
        activation: the activation of the encoder and decoder convolutions.
        output_activation: the reconstruction's activation (``None``: linear).
        name: the autoencoder's name; the others are ``<name>_encoder`` and ``<name>_decoder``.

    Returns:
        ``(autoencoder, encoder, decoder)``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a value is out of range or the image size does not divide.

    Example:
    >>> from dlcourse.models.autoencoders import build_conv_autoencoder
    >>> autoencoder, encoder, decoder = build_conv_autoencoder((28, 28, 1))
    >>> encoder.output.shape, autoencoder.count_params()
    ((None, 7, 7, 32), 28353)
    """
    shape = check_image_shape("input_shape", input_shape)
    filters = check_int_sequence("filters", filters, allow_empty=False)
    kernel_size = check_pair("kernel_size", kernel_size)
    check_activation("activation", activation)
    check_activation("output_activation", output_activation, optional=True)
    check_name("name", name)
    factor = 2 ** len(filters)
    for dim in shape[:2]:
        if dim is None or dim % factor:
            raise ValueError(
                f"input_shape must have a height and width divisible by 2**len(filters) = {factor} (each of the "
                f"{len(filters)} blocks halves them); received input_shape={shape!r} with filters={filters!r}. "
                "Use fewer blocks, or pad or crop the images"
            )
    import keras

    inputs = keras.Input(shape=shape, name="inputs")
    x = inputs
    for i, n in enumerate(filters, start=1):
        x = keras.layers.Conv2D(n, kernel_size, padding="same", activation=activation, name=f"encoder_conv_{i}")(x)
        last = i == len(filters)
        x = keras.layers.MaxPooling2D(2, padding="same", name="code" if last else f"encoder_pool_{i}")(x)
    encoder = keras.Model(inputs, x, name=f"{name}_encoder")

    code_input = keras.Input(shape=tuple(x.shape[1:]), name="code_input")
    y = code_input
    for i, n in enumerate(reversed(filters), start=1):
        y = keras.layers.Conv2DTranspose(
            n, kernel_size, strides=2, padding="same", activation=activation, name=f"decoder_deconv_{i}"
        )(y)
    y = keras.layers.Conv2D(
        shape[2], kernel_size, padding="same", activation=output_activation, name="reconstruction"
    )(y)
    decoder = keras.Model(code_input, y, name=f"{name}_decoder")

    autoencoder_input = keras.Input(shape=shape, name="inputs")
    autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name=name)
    return autoencoder, encoder, decoder


def code_sparsity(codes, *, threshold: float = 0.01) -> dict:
    """Measures how sparse a batch of codes is.

    Args:
        codes: the codes of a batch, such as ``encoder.predict(x)``, samples on the first axis.
        threshold: a value is near zero when its absolute value is at most ``threshold`` (>= 0).

    Returns:
        A dict: ``"mean_activation"`` (mean absolute value), ``"near_zero_fraction"`` and
        ``"dead_units"`` (units near zero for every sample).

    Raises:
        TypeError: if ``codes`` is not numeric or ``threshold`` not a number.
        ValueError: if ``codes`` is empty or has no unit axis, or ``threshold`` < 0.

    Example:
    >>> import numpy as np
    >>> from dlcourse.models.autoencoders import code_sparsity
    >>> code_sparsity(np.array([[0.0, 2.0], [0.0, 0.5]]))
    {'mean_activation': 0.625, 'near_zero_fraction': 0.5, 'dead_units': 1}
    """
    array = np.asarray(codes)
    if not (np.issubdtype(array.dtype, np.number) and not np.issubdtype(array.dtype, np.complexfloating)):
        raise TypeError(f"codes must be an array of real numbers; received codes={describe(codes)}")
    if array.ndim < 2 or array.size == 0:
        raise ValueError(
            "codes must be a non-empty array of shape (samples, units...) such as encoder.predict(x); "
            f"received an array of shape {array.shape}"
        )
    threshold = check_float("threshold", threshold, minimum=0.0)
    magnitude = np.abs(array.astype("float64")).reshape(len(array), -1)
    near_zero = magnitude <= threshold
    return {
        "mean_activation": float(magnitude.mean()),
        "near_zero_fraction": float(near_zero.mean()),
        "dead_units": int(near_zero.all(axis=0).sum()),
    }
