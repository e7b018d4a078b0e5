"""Standardization of numeric features with statistics of the training set only (:func:`standardize`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.preprocessing import StandardScaler

__all__ = ["Standardization", "standardize"]


class Standardization(NamedTuple):
    """The training-set statistics :func:`standardize` used (``std`` is 1 for constant features)."""

    mean: np.ndarray
    std: np.ndarray

    def transform(self, x):
        """Standardizes more data with these (training-set) statistics."""
        x = _numeric("x", x)
        if x.shape[1:] != self.mean.shape:
            raise ValueError(
                f"x must have the training data's feature shape {self.mean.shape}; received shape {x.shape}"
            )
        return _scaled(x, self)


def _scaled(x: np.ndarray, stats: Standardization) -> np.ndarray:
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
    return ((x - stats.mean) / stats.std).astype(dtype, copy=False)


def _numeric(name: str, x) -> np.ndarray:
    array = np.asarray(x)
    numeric = np.issubdtype(array.dtype, np.number) or array.dtype == bool
    if not numeric or np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must be a numeric array; received dtype {array.dtype}")
    if array.ndim < 1 or len(array) == 0:
        raise ValueError(f"{name} must be an array with at least one sample; received shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers; received an array with NaN or inf")
    return array


def standardize(x_train, *others):
    """Standardizes features with the mean and standard deviation of ``x_train`` only.

    Every further array is scaled with the training statistics and never contributes to them.
    The statistics are ``sklearn.preprocessing.StandardScaler``'s, per feature (``(n, 28, 28)``
    gives 28x28 means); a constant feature gets a standard deviation of 1.

    Args:
        x_train: the training data, shape ``(samples, *features)``; the statistics are per feature.
        *others: arrays to scale the same way, with the same feature shape.

    Returns:
        ``(x_train_std, *others_std, stats)``: the standardized arrays (float dtype kept, float32
        for integer input), then a :class:`Standardization` ``(mean, std)`` whose ``transform``
        scales later data.

    Raises:
        TypeError: if an array is not numeric.
        ValueError: if an array is empty, holds NaN/inf, or another array's feature shape differs.

    Example:

    >>> from dlcourse.data import standardize
    >>> x_train_s, x_test_s, (mean, std) = standardize([[1.0, 5.0], [3.0, 5.0]], [[2.0, 6.0]])
    >>> x_train_s.tolist(), x_test_s.tolist()
    ([[-1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0]])
    """
    x_train = _numeric("x_train", x_train)
    arrays = [_numeric(f"others[{i}]", other) for i, other in enumerate(others)]
    for i, other in enumerate(arrays):
        if other.shape[1:] != x_train.shape[1:]:
            raise ValueError(
                f"others[{i}] must have x_train's feature shape {x_train.shape[1:]}; received shape {other.shape}"
            )
    # StandardScaler takes 2-D input: one column per feature, whatever the feature shape.
    scaler = StandardScaler().fit(x_train.reshape(len(x_train), -1).astype(np.float64))
    mean, std = scaler.mean_.reshape(x_train.shape[1:]), scaler.scale_.reshape(x_train.shape[1:])
    stats = Standardization(mean, std)
    return (*(_scaled(a, stats) for a in (x_train, *arrays)), stats)
