"""Helpers for the evaluation pitfalls of notebook 04: unrepresentative splits, time order and duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from dlcourse.validation import check_float, check_int, check_seed, check_xy, describe, stratify_labels

__all__ = ["add_duplicates", "drop_duplicates", "find_duplicates", "sliding_windows", "sort_by_class"]


def sort_by_class(x, y):
    """Returns ``x`` and ``y`` stably ordered by class, as data collected class by class often are.

    Args:
        x: the inputs, a NumPy array with samples on the first axis.
        y: class labels of shape ``(n,)`` or ``(n, 1)``, or one-hot rows of shape ``(n, C)``.

    Returns:
        ``(x_sorted, y_sorted)``, NumPy arrays (``y`` keeps its shape and encoding).

    Raises:
        TypeError: if ``x`` or ``y`` is not array-like.
        ValueError: if ``x`` and ``y`` differ in length, or ``y`` holds no class labels.

    Example:
    >>> x_sorted, y_sorted = sort_by_class(np.arange(5), np.array([2, 0, 1, 0, 2]))
    >>> x_sorted.tolist(), y_sorted.tolist()
    ([1, 3, 2, 0, 4], [0, 0, 1, 2, 2])
    """
    x, y = check_xy(x, y)
    labels = stratify_labels(y, argument="sort_by_class")
    order = np.argsort(labels, kind="stable")
    return x[order], y[order]


def sliding_windows(series, window, *, horizon=1):
    """Cuts a 1-D time series into samples: ``window`` past values -> the value ``horizon`` steps later.

    Sample ``i`` has the inputs ``series[i : i + window]`` and the target
    ``series[i + window + horizon - 1]``; the samples come in time order.

    Args:
        series: a 1-D sequence of numbers, in time order.
        window: the number of past values per sample, >= 1.
        horizon: how many steps after the window the target lies, >= 1.

    Returns:
        ``(x, y, target_times)``: ``x`` of shape ``(n, window)``, ``y`` of shape ``(n,)`` and the
        time index of each target.

    Raises:
        TypeError: if ``series`` is not numeric, or ``window``/``horizon`` not ints.
        ValueError: if ``series`` is not 1-D, or too short for one sample.

    Example:
    >>> x, y, t = sliding_windows(np.arange(6.0), 3, horizon=2)
    >>> x.tolist(), y.tolist(), t.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [4.0, 5.0], [4, 5])
    """
    if isinstance(series, (str, bytes)) or not isinstance(series, (list, tuple, np.ndarray)):
        raise TypeError(f"series must be a 1-D sequence of numbers; received series={describe(series)}")
    array = np.asarray(series)
    if not (np.issubdtype(array.dtype, np.number) and not np.issubdtype(array.dtype, np.complexfloating)):
        raise TypeError(f"series must hold real numbers; received an array of dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"series must be 1-D (one value per time step); received shape {array.shape}")
    window = check_int("window", window, minimum=1)
    horizon = check_int("horizon", horizon, minimum=1)
    n = len(array) - window - horizon + 1
    if n < 1:
        raise ValueError(
            f"series must hold at least window + horizon = {window + horizon} values; received {len(array)}"
        )
    x = sliding_window_view(array, window)[:n].copy()  # a copy: the view would share memory
    target_times = np.arange(n) + window + horizon - 1
    return x, array[target_times], target_times


def _row_hashes(name: str, x, decimals) -> tuple[np.ndarray, tuple | None]:
    """One 64-bit hash per sample of ``x`` (pandas' row hash) and the feature shape (``None`` for text)."""
    if isinstance(x, (str, bytes)) or not (isinstance(x, (list, tuple, np.ndarray)) or hasattr(x, "__array__")):
        raise TypeError(f"{name} must be a NumPy array of samples or a list of texts; received {name}={describe(x)}")
    array = np.asarray(x)
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(f"{name} must hold at least one sample; received shape {array.shape}")
    if array.dtype.kind in "USO":
        if array.ndim != 1:
            raise ValueError(f"{name} of text must be 1-D (one text per sample); received shape {array.shape}")
        for i, item in enumerate(array):
            if not isinstance(item, (str, bytes)):
                raise TypeError(f"{name} must hold only numbers or only texts; received {name}[{i}]={describe(item)}")
        return pd.util.hash_pandas_object(pd.Series(array.tolist()), index=False).to_numpy(), None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric (or text); received dtype {array.dtype}")
    values = array.reshape(len(array), -1).astype(np.float64)
    if decimals is not None:
        values = np.round(values, decimals)
    values = values + 0.0  # -0.0 becomes 0.0, so that equal values hash alike
    return pd.util.hash_pandas_object(pd.DataFrame(values), index=False).to_numpy(), array.shape[1:]


def find_duplicates(x, reference=None, *, decimals=None):
    """Returns the indices of the samples of ``x`` that occur earlier in ``x``, or in ``reference``.

    Samples are duplicates when all their values are equal, after rounding to ``decimals`` when
    given; texts are compared as strings. Without ``reference`` the first occurrence is not
    counted; with it, an empty result means the two sets are disjoint.

    Args:
        x: the samples, a NumPy array with samples on the first axis, or a list of texts.
        reference: ``None``, or samples of the same feature shape (or texts) to look up.
        decimals: ``None`` for exact equality, or the number of decimals to round to first.

    Returns:
        A sorted int64 array of indices into ``x``.

    Raises:
        TypeError: if an array is neither numeric nor text, or ``decimals`` is not an int.
        ValueError: if an array is empty, or ``x`` and ``reference`` differ in feature shape or kind.

    Example:
    >>> find_duplicates(np.array([[0.1, 1.0], [0.1000001, 1.0]]), decimals=3).tolist()
    [1]
    """
    decimals = None if decimals is None else check_int("decimals", decimals)
    keys, shape = _row_hashes("x", x, decimals)
    if reference is None:
        return np.flatnonzero(pd.Series(keys).duplicated().to_numpy()).astype(np.int64)
    ref_keys, ref_shape = _row_hashes("reference", reference, decimals)
    if (shape is None) != (ref_shape is None) or shape != ref_shape:
        what = lambda s: "texts" if s is None else f"samples of feature shape {s}"  # noqa: E731
        raise ValueError(f"x and reference must hold the same kind of samples; received x of {what(shape)} "
                         f"and reference of {what(ref_shape)}")
    return np.flatnonzero(np.isin(keys, ref_keys)).astype(np.int64)


def drop_duplicates(x, y, *, decimals=None):
    """Removes repeated samples of ``x`` (and their targets), keeping the first occurrence of each.

    Args:
        x: the samples, a NumPy array with samples on the first axis, or a 1-D array of texts.
        y: the targets, with as many samples as ``x``.
        decimals: ``None`` for exact equality, or the number of decimals to round to first.

    Returns:
        ``(x_unique, y_unique)``, NumPy arrays in the original order.

    Raises:
        TypeError: as :func:`find_duplicates`, or if ``y`` is not array-like.
        ValueError: as :func:`find_duplicates`, or if ``x`` and ``y`` differ in length.

    Example:
    >>> x_u, y_u = drop_duplicates(np.array([[1], [2], [1]]), np.array([0, 1, 0]))
    >>> x_u.ravel().tolist(), y_u.tolist()
    ([1, 2], [0, 1])
    """
    repeats = find_duplicates(x, decimals=decimals)
    x, y = check_xy(x, y, min_samples=1)
    keep = np.setdiff1d(np.arange(len(x)), repeats)
    return x[keep], y[keep]


def add_duplicates(x, y, *, fraction=0.5, max_copies=2, seed=0):
    """Returns a shuffled copy of ``(x, y)`` in which some samples occur several times.

    A random ``fraction`` of the samples get 1 to ``max_copies`` extra copies each.

    Args:
        x: the samples, a NumPy array with samples on the first axis.
        y: the targets, with as many samples as ``x``.
        fraction: the share of samples that get extra copies, in ``[0, 1]``.
        max_copies: the most extra copies of one sample, >= 1.
        seed: the random seed, a non-negative int.

    Returns:
        ``(x_redundant, y_redundant)``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``x`` and ``y`` differ in length, or an option is out of range.

    Example:
    >>> x_dup, y_dup = add_duplicates(np.arange(10)[:, None], np.arange(10), fraction=1.0, max_copies=1)
    >>> len(x_dup), len(find_duplicates(x_dup))
    (20, 10)
    """
    x, y = check_xy(x, y, min_samples=1)
    fraction = check_float("fraction", fraction, minimum=0.0, maximum=1.0)
    max_copies = check_int("max_copies", max_copies, minimum=1)
    rng = np.random.default_rng(check_seed(seed))
    chosen = np.flatnonzero(rng.random(len(x)) < fraction) if fraction < 1.0 else np.arange(len(x))
    extra = np.repeat(chosen, rng.integers(1, max_copies + 1, size=len(chosen)))
    order = rng.permutation(np.concatenate([np.arange(len(x)), extra]))
    return x[order], y[order]
