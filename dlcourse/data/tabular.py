"""Boston Housing through ``keras.datasets.boston_housing`` (notebooks 03 and 04)."""

from __future__ import annotations

from dlcourse.data import _subset
from dlcourse.data._cache import load_with_keras

BOSTON_TRAIN_SIZE = 404
"""Rows of Keras's Boston Housing training split."""

BOSTON_TEST_SIZE = 102
"""Rows of Keras's Boston Housing test split."""

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

    >>> (x_train, y_train), (x_test, y_test) = load_boston_housing()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((404, 13), (102, 13))
    """
    max_train = _subset.check_max("max_train", max_train, BOSTON_TRAIN_SIZE)
    max_test = _subset.check_max("max_test", max_test, BOSTON_TEST_SIZE)
    seed = _subset.check_seed(seed)

    def loader():
        import keras

        return keras.datasets.boston_housing.load_data()

    (x_train, y_train), (x_test, y_test) = load_with_keras("boston_housing", loader)
    train = _subset.take(x_train, y_train, _subset.subset_indices(len(x_train), max_train, seed))
    test = _subset.take(x_test, y_test, _subset.subset_indices(len(x_test), max_test, seed + 1))
    return train, test
