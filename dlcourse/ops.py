"""NumPy reference implementations of what ``Conv2D``, ``MaxPooling2D`` and ``AveragePooling2D`` compute.

For one image in Keras's ``channels_last`` layout: an image is ``(H, W)`` or ``(H, W, C)``, a
kernel ``(kh, kw)`` or ``(kh, kw, in_channels, filters)``. Clear rather than fast.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlcourse.validation import check_bool, check_int, check_pair

__all__ = ["conv2d", "convolve2d", "max_pool2d", "average_pool2d", "conv_output_size", "same_padding",
           "conv_params", "dense_params"]

_PADDING_HELP = "'valid', 'same' or an int >= 0 of explicit zero padding"


def _check_padding(padding, *, allow_int: bool = True):
    """Returns ``"valid"``, ``"same"`` or (when allowed) an int >= 0."""
    expected = _PADDING_HELP if allow_int else "'valid' or 'same'"
    if isinstance(padding, str):
        if padding.lower() in ("valid", "same"):
            return padding.lower()
        raise ValueError(f"padding must be {expected}; received padding={padding!r}")
    if allow_int and isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        return check_int("padding", padding, minimum=0)
    raise TypeError(f"padding must be {expected}; received padding={padding!r} of type {type(padding).__name__}")


def _as_array(name: str, value, ndims: tuple[int, ...], layout: str) -> np.ndarray:
    """Converts ``value`` to a float array with one of the allowed numbers of axes."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array of shape {layout}; received {name}={value!r}")
    try:
        array = np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular numeric array of shape {layout}; {err}") from err
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; received {name} with dtype {array.dtype}")
    if array.ndim not in ndims:
        hint = " (pass one image, not a batch)" if name == "inputs" and array.ndim == 4 else ""
        raise ValueError(f"{name} must have shape {layout}{hint}; received {name}.shape={array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; received {name}.shape={array.shape}")
    return array.astype(np.float64)


def _as_image(inputs) -> np.ndarray:
    """Returns ``inputs`` as ``(H, W, C)``."""
    x = _as_array("inputs", inputs, (2, 3), "(height, width) or (height, width, channels)")
    return x[:, :, np.newaxis] if x.ndim == 2 else x


def _pad_amounts(n: int, size: int, stride: int, padding) -> tuple[int, int]:
    """(before, after) zero padding of one spatial axis."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        total = max((-(-n // stride) - 1) * stride + size - n, 0)
        return total // 2, total - total // 2
    return padding, padding


def _windows(x, size, strides, padding, *, fill: float, what: str):
    """Pads ``x`` (H, W, C) and returns its windows, shape (H', W', C, size[0], size[1])."""
    pads = [_pad_amounts(n, f, s, padding) for n, f, s in zip(x.shape[:2], size, strides)]
    padded_shape = tuple(n + sum(p) for n, p in zip(x.shape[:2], pads))
    if padded_shape[0] < size[0] or padded_shape[1] < size[1]:
        raise ValueError(
            f"{what} {size} is larger than the padded inputs {padded_shape} with padding={padding!r}; "
            f"use a smaller {what}, padding='same' or more padding; received inputs.shape={x.shape[:2]}"
        )
    x = np.pad(x, pads + [(0, 0)], constant_values=fill)
    return sliding_window_view(x, size, axis=(0, 1))[:: strides[0], :: strides[1]]


def conv2d(inputs, kernel, bias=None, *, strides=1, padding="valid") -> np.ndarray:
    """Cross-correlates one image with a kernel, as ``keras.layers.Conv2D`` computes it.

    Each output value is the sum of the kernel times the input patch under it, plus the bias;
    the kernel is *not* flipped (see :func:`convolve2d`).

    Args:
        inputs: the image, shape ``(H, W)`` or ``(H, W, C_in)``.
        kernel: shape ``(kh, kw)`` or ``(kh, kw, C_in, C_out)``, the layout of a Keras kernel.
        bias: ``None``, a number, or an array of shape ``(C_out,)``.
        strides: the step between windows, an int or a pair ``(rows, cols)``.
        padding: ``"valid"``, ``"same"`` (as TensorFlow pads, see :func:`same_padding`) or an int
            ``p`` of zeros on every side.

    Returns:
        ``(H', W')`` when ``kernel`` is 2-D, else ``(H', W', C_out)``, as float64.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: wrong axes, channels or bias length, ``strides < 1``, an unknown ``padding``,
            or a kernel larger than the padded input.

    Example:
        >>> x = np.array([[1, 2, 0], [0, 1, 3], [2, 0, 1]])
        >>> conv2d(x, np.array([[1, 0], [0, 1]]))
        array([[2., 5.],
               [0., 2.]])
    """
    x = _as_image(inputs)
    k = _as_array("kernel", kernel, (2, 4), "(kh, kw) or (kh, kw, in_channels, filters)")
    kernel_2d = k.ndim == 2
    if kernel_2d:
        k = k[:, :, np.newaxis, np.newaxis]
    strides = check_pair("strides", strides)
    padding = _check_padding(padding)
    if k.shape[2] != x.shape[2]:
        raise ValueError(
            f"kernel expects {k.shape[2]} input channel(s) but inputs has {x.shape[2]}; "
            f"received inputs.shape={np.shape(inputs)} and kernel.shape={np.shape(kernel)}"
        )
    filters = k.shape[3]
    b = 0.0 if bias is None else _as_array("bias", bias, (0, 1), f"({filters},)")
    if bias is not None and b.ndim == 1 and b.shape[0] != filters:
        raise ValueError(f"bias must have shape ({filters},), one value per filter; received bias.shape={b.shape}")
    windows = _windows(x, k.shape[:2], strides, padding, fill=0.0, what="kernel")
    # windows[i, j, c, u, v] = padded x[i * sh + u, j * sw + v, c]
    out = np.einsum("ijcuv,uvco->ijo", windows, k) + b
    return out[:, :, 0] if kernel_2d else out


def convolve2d(inputs, kernel, *, strides=1, padding="valid") -> np.ndarray:
    """True 2-D convolution (as ``scipy.signal.convolve2d``): :func:`conv2d` with the kernel flipped.

    Args:
        inputs: the image, shape ``(H, W)`` or ``(H, W, C_in)``.
        kernel: shape ``(kh, kw)`` or ``(kh, kw, C_in, C_out)``.
        strides: as in :func:`conv2d`.
        padding: as in :func:`conv2d`.

    Returns:
        The same shape as :func:`conv2d` returns.

    Raises:
        TypeError: as :func:`conv2d` does.
        ValueError: as :func:`conv2d` does.

    Example:
        >>> convolve2d(np.eye(3), np.array([[1, 2], [3, 4]]))
        array([[5., 2.],
               [3., 5.]])
    """
    k = _as_array("kernel", kernel, (2, 4), "(kh, kw) or (kh, kw, in_channels, filters)")
    return conv2d(inputs, k[::-1, ::-1], strides=strides, padding=padding)


def _pool(inputs, pool_size, strides, padding, *, average: bool) -> np.ndarray:
    x = _as_image(inputs)
    pool_size = check_pair("pool_size", pool_size)
    strides = pool_size if strides is None else check_pair("strides", strides)
    padding = _check_padding(padding, allow_int=False)
    if average:
        # Keras averages over the real entries only: divide each window's sum by its count.
        sums = _windows(x, pool_size, strides, padding, fill=0.0, what="pool_size").sum(axis=(3, 4))
        ones = _windows(np.ones_like(x), pool_size, strides, padding, fill=0.0, what="pool_size")
        out = sums / ones.sum(axis=(3, 4))
    else:
        # Padding with -inf means a padded entry never wins the max.
        out = _windows(x, pool_size, strides, padding, fill=-np.inf, what="pool_size").max(axis=(3, 4))
    return out[:, :, 0] if np.ndim(inputs) == 2 else out


def max_pool2d(inputs, *, pool_size=2, strides=None, padding="valid") -> np.ndarray:
    """Max pooling of one image, as ``keras.layers.MaxPooling2D`` computes it.

    Args:
        inputs: the image, shape ``(H, W)`` or ``(H, W, C)``; each channel is pooled apart.
        pool_size: the window, an int or a pair ``(rows, cols)``.
        strides: the step between windows; ``None`` means ``pool_size``, as in Keras.
        padding: ``"valid"`` or ``"same"`` (padded entries are ignored).

    Returns:
        ``(H', W')`` or ``(H', W', C)``, as float64.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: wrong axes, a size < 1, an unknown ``padding``, or a window larger than the input.

    Example:
        >>> max_pool2d(np.arange(16).reshape(4, 4))
        array([[ 5.,  7.],
               [13., 15.]])
    """
    return _pool(inputs, pool_size, strides, padding, average=False)


def average_pool2d(inputs, *, pool_size=2, strides=None, padding="valid") -> np.ndarray:
    """Average pooling of one image, as ``keras.layers.AveragePooling2D`` computes it.

    With ``padding="same"`` a window is averaged over its real entries only, as in Keras.

    Args:
        inputs: the image, shape ``(H, W)`` or ``(H, W, C)``; each channel is pooled apart.
        pool_size: the window, an int or a pair ``(rows, cols)``.
        strides: the step between windows; ``None`` means ``pool_size``, as in Keras.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        ``(H', W')`` or ``(H', W', C)``, as float64.

    Raises:
        TypeError: as :func:`max_pool2d` does.
        ValueError: as :func:`max_pool2d` does.

    Example:
        >>> average_pool2d(np.array([[1, 2, 3]]), pool_size=(1, 2), padding="same")
        array([[1.5, 3. ]])
    """
    return _pool(inputs, pool_size, strides, padding, average=True)


def same_padding(n: int, kernel_size: int, *, strides: int = 1) -> tuple[int, int]:
    """The zero padding TensorFlow adds to one axis for ``padding="same"``.

    ``max((ceil(n / s) - 1) * s + f - n, 0)`` zeros in all, the odd one after (bottom/right).

    Args:
        n: the input size along the axis.
        kernel_size: the window size ``f`` along the axis.
        strides: the step ``s``.

    Returns:
        ``(before, after)``.

    Raises:
        TypeError: an argument is not an int.
        ValueError: an argument is < 1.
    """
    n = check_int("n", n, minimum=1)
    kernel_size = check_int("kernel_size", kernel_size, minimum=1)
    strides = check_int("strides", strides, minimum=1)
    return _pad_amounts(n, kernel_size, strides, "same")


def conv_output_size(n: int, kernel_size: int, *, strides: int = 1, padding="valid") -> int:
    """The output size of a convolution or pooling along one axis.

    ``floor((n + 2p - f) / s) + 1`` (``p = 0`` for ``"valid"``); ``ceil(n / s)`` for ``"same"``.

    Args:
        n: the input size along the axis.
        kernel_size: the window size ``f``.
        strides: the step ``s``.
        padding: ``"valid"``, ``"same"`` or an int ``p`` of zeros on each side.

    Returns:
        The number of output positions.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is out of range, or the window is larger than the padded input.

    Example:
        >>> conv_output_size(13, 6, strides=5), conv_output_size(13, 6, strides=5, padding="same")
        (2, 3)
    """
    n = check_int("n", n, minimum=1)
    kernel_size = check_int("kernel_size", kernel_size, minimum=1)
    strides = check_int("strides", strides, minimum=1)
    padding = _check_padding(padding)
    if padding == "same":
        return -(-n // strides)
    p = 0 if padding == "valid" else padding
    if kernel_size > n + 2 * p:
        raise ValueError(
            f"kernel_size must be <= the padded input size n + 2 * padding = {n + 2 * p}; "
            f"received n={n}, kernel_size={kernel_size}, padding={padding!r}"
        )
    return (n + 2 * p - kernel_size) // strides + 1


def conv_params(kernel_size, in_channels: int, filters: int, *, use_bias: bool = True) -> int:
    """The number of trainable parameters of a ``Conv2D`` layer: ``(f_h * f_w * c_in + 1) * c_out``.

    Args:
        kernel_size: an int or a pair ``(f_h, f_w)``.
        in_channels: the number of input channels ``c_in``.
        filters: the number of filters ``c_out``.
        use_bias: whether each filter has a bias (the ``+ 1``).

    Returns:
        The parameter count.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is < 1.
    """
    f_h, f_w = check_pair("kernel_size", kernel_size)
    in_channels = check_int("in_channels", in_channels, minimum=1)
    filters = check_int("filters", filters, minimum=1)
    use_bias = check_bool("use_bias", use_bias)
    return (f_h * f_w * in_channels + int(use_bias)) * filters


def dense_params(in_features: int, units: int, *, use_bias: bool = True) -> int:
    """The number of trainable parameters of a ``Dense`` layer: ``(in_features + 1) * units``.

    Args:
        in_features: the size of the (flattened) input.
        units: the number of units.
        use_bias: whether each unit has a bias (the ``+ 1``).

    Returns:
        The parameter count.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is < 1.
    """
    in_features = check_int("in_features", in_features, minimum=1)
    units = check_int("units", units, minimum=1)
    use_bias = check_bool("use_bias", use_bias)
    return (in_features + int(use_bias)) * units
