"""Autoencoders: models whose target is their own input (notebook 14).

An autoencoder is an *encoder*, which squeezes an input into a small *code*, followed by a
*decoder*, which rebuilds the input from the code. It is trained with the input as the target
(``autoencoder.fit(x, x)``), so the labels come from the data itself: self-supervised learning.

* :func:`build_dense_autoencoder`: fully connected encoder and decoder, a dense code; with
  ``activity_l1 > 0`` a *sparse* autoencoder (an L1 penalty on the code's activations).
* :func:`build_conv_autoencoder`: convolutions and max pooling down, transposed convolutions up
  (the denoising autoencoder of the Keras examples).
* :func:`code_size_lower_bound`: ``ceil(log2(n))``, the number of binary units that can give
  ``n`` distinct patterns a code each.
* :func:`code_sparsity`: how sparse a batch of codes is (mean activation, share of near-zero values).

Each builder returns ``(autoencoder, encoder, decoder)``: three uncompiled functional models
sharing their layers, so ``autoencoder(x) == decoder(encoder(x))`` and, after training the
autoencoder, ``encoder.predict(x)`` gives the codes.
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

    ``k`` binary (0/1) units take ``2**k`` distinct values, so a code made of binary units needs
    at least ``ceil(log2(n))`` of them to give each of ``n`` distinct patterns (for instance the
    ``n`` one-hot vectors of an ``n``-word vocabulary, or ``n`` classes) a code of its own. The
    bound counts patterns and nothing else: it says nothing about inputs of real values such as
    the 784 pixels of an image, whose number of distinct values is not ``n``, nor about units
    with real-valued activations, each of which can in principle hold more than one bit.

    Args:
        num_patterns: the number of distinct patterns ``n`` to tell apart, an int >= 2.

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

    The encoder flattens the input (when it has more than one axis), applies one hidden
    ``Dense(units[i], activation)`` per entry of ``units`` (layers ``encoder_hidden_<i>``) and a
    ``Dense(code_size, code_activation)`` layer named ``"code"``. The decoder mirrors it: the
    hidden widths in reverse order (``decoder_hidden_<i>``), then ``Dense(prod(input_shape),
    output_activation)`` named ``"reconstruction"``, reshaped to ``input_shape``. With
    ``activity_l1 > 0`` the code layer gets ``activity_regularizer=keras.regularizers.L1(
    activity_l1)``: a *sparse* autoencoder, whose loss grows with the code's activations, so
    that most units stay near zero for any one input.

    The output activation ``"sigmoid"`` suits inputs scaled to [0, 1] (train with ``"mse"`` or
    ``"binary_crossentropy"``); use ``None`` (linear) for standardized inputs. A 2-D code
    (``code_size=2``, ``code_activation=None``) can be plotted.

    Parameter counts: ``build_dense_autoencoder((784,), 32, units=())`` (the one-layer
    autoencoder of the Keras blog) has 25,120 + 25,872 = 50,992 parameters.

    Args:
        input_shape: the shape of one sample, such as ``(28, 28)`` or ``(784,)``; an int ``n``
            means ``(n,)``.
        code_size: the width of the code, an int >= 1.
        units: the widths of the encoder's hidden layers (the decoder uses them reversed);
            ``()`` for none.
        activation: the hidden layers' activation.
        code_activation: the code layer's activation (``None``: linear).
        output_activation: the reconstruction's activation (``None``: linear).
        activity_l1: the L1 activity penalty on the code, >= 0 (0: none).
        name: the autoencoder's name; the encoder and decoder are ``<name>_encoder`` and
            ``<name>_decoder``.

    Returns:
        ``(autoencoder, encoder, decoder)``, uncompiled functional ``keras.Model`` objects:
        ``autoencoder`` maps ``input_shape`` to ``input_shape``, ``encoder`` maps it to
        ``(code_size,)`` and ``decoder`` maps ``(code_size,)`` back to ``input_shape``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a value is out of range (``code_size`` < 1, a negative ``activity_l1``,
            an unknown activation, ...).

    Example:

    >>> from dlcourse.models.autoencoders import build_dense_autoencoder
    >>> autoencoder, encoder, decoder = build_dense_autoencoder((28, 28), 32)
    >>> encoder.output.shape, autoencoder.output.shape
    ((None, 32), (None, 28, 28))
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

    The encoder has one block per entry of ``filters``: ``Conv2D(filters[i], kernel_size,
    padding="same", activation)`` (``encoder_conv_<i>``) and ``MaxPooling2D(2, padding="same")``
    (the last one is named ``"code"``), so each block halves the height and width. The decoder
    mirrors it with ``Conv2DTranspose(filters[i], kernel_size, strides=2, padding="same",
    activation)`` (``decoder_deconv_<i>``, the filters in reverse order), each doubling the size,
    and a last ``Conv2D(channels, kernel_size, padding="same", activation=output_activation)``
    named ``"reconstruction"``. The code is the last feature map, of shape
    ``(height / 2**n, width / 2**n, filters[-1])`` for ``n = len(filters)`` blocks.

    Trained on noisy inputs with the clean images as targets, it is a *denoising* autoencoder.
    With the defaults on ``(28, 28, 1)`` it is the image-denoising model of the Keras examples,
    with 28,353 parameters and a ``(7, 7, 32)`` code.

    Args:
        input_shape: the image shape ``(height, width, channels)``; height and width must be
            divisible by ``2**len(filters)`` so that the reconstruction has the input's size.
        filters: the number of filters of each encoder block (the decoder reverses them).
        kernel_size: the kernel size of every convolution (an int or a pair).
        activation: the activation of the encoder and decoder convolutions.
        output_activation: the reconstruction's activation (``None``: linear).
        name: the autoencoder's name; the encoder and decoder are ``<name>_encoder`` and
            ``<name>_decoder``.

    Returns:
        ``(autoencoder, encoder, decoder)``, uncompiled functional ``keras.Model`` objects.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if a value is out of range, or the image size is not divisible by
            ``2**len(filters)``.

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
        codes: the codes of a batch of inputs, such as ``encoder.predict(x)``: an array with
            samples on the first axis.
        threshold: a value counts as near zero when its absolute value is at most
            ``threshold`` (>= 0).

    Returns:
        A dict with ``"mean_activation"`` (the mean absolute value of the codes),
        ``"near_zero_fraction"`` (the share of values at most ``threshold`` in absolute value)
        and ``"dead_units"`` (the number of code units that are near zero for every sample).

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
