"""Boston Housing through ``keras.datasets.boston_housing`` (notebooks 03 and 04)."""

from __future__ import annotations

from dlcourse.data.cache import load_with_keras
from dlcourse.data.subsets import subset_indices
from dlcourse.validation import check_max_size, check_seed

__all__ = ["BOSTON_FEATURE_NAMES", "load_boston_housing"]

_TRAIN_SIZE, _TEST_SIZE = 404, 102  # Keras's split

BOSTON_FEATURE_NAMES = (
    "CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT",
)
"""The 13 columns of Boston Housing, in order (StatLib's names; the target is MEDV, in $1,000s)."""


def load_boston_housing(*, max_train=None, max_test=None, seed=0):
    """Loads Boston Housing through ``keras.datasets.boston_housing.load_data()``.

    The file comes from the Keras cache (checked against Keras's sha256) or is downloaded there.
    Keras's own split is kept: 404 training and 102 test districts, 13 features, target the
    median home value in thousands of dollars. A subset is a seeded random choice of rows.

    Args:
        max_train: keep this many training rows (``None``: all 404).
        max_test: keep this many test rows (``None``: all 102).
        seed: seed of the subset (unused without ``max_*``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 arrays of shapes ``(n, 13)`` and ``(n,)``.

    Raises:
        TypeError, ValueError: for a bad ``max_train``, ``max_test`` or ``seed``.
        DataUnavailableError: if the file is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_boston_housing
    >>> (x_train, y_train), (x_test, y_test) = load_boston_housing()
    >>> x_train.shape, x_test.shape
    ((404, 13), (102, 13))
    """
    max_train = check_max_size("max_train", max_train, _TRAIN_SIZE)
    max_test = check_max_size("max_test", max_test, _TEST_SIZE)
    seed = check_seed(seed)
    splits = []
    data = load_with_keras("boston_housing", lambda keras: keras.datasets.boston_housing.load_data())
    for (x, y), size, split_seed in zip(data, (max_train, max_test), (seed, seed + 1)):
        rows = subset_indices(len(x), size, split_seed)
        splits.append((x, y) if rows is None else (x[rows], y[rows]))
    return tuple(splits)
