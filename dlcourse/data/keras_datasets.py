"""The datasets Keras ships, through ``keras.datasets``: Boston Housing, Fashion-MNIST and MNIST."""

from __future__ import annotations

from dlcourse.data.cache import load_with_keras
from dlcourse.data.subsets import subset_indices
from dlcourse.validation import check_max_size, check_seed

__all__ = [
    "BOSTON_FEATURE_NAMES",
    "FASHION_MNIST_CLASS_NAMES",
    "MNIST_CLASS_NAMES",
    "load_boston_housing",
    "load_fashion_mnist",
    "load_mnist",
]

BOSTON_FEATURE_NAMES = (
    "CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT",
)
"""The 13 columns of Boston Housing, in order (StatLib's names; the target is MEDV, in $1,000s)."""

FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
"""Fashion-MNIST's ten class names; label ``i`` is ``FASHION_MNIST_CLASS_NAMES[i]``."""

MNIST_CLASS_NAMES = tuple(str(d) for d in range(10))
"""MNIST's class names, the digits ``"0"`` to ``"9"``."""


def _load(name: str, sizes: tuple[int, int], max_train, max_test, seed, *, stratify: bool):
    """Checks the options, loads ``keras.datasets.<name>`` and keeps the seeded subsets."""
    max_train = check_max_size("max_train", max_train, sizes[0])
    max_test = check_max_size("max_test", max_test, sizes[1])
    seed = check_seed(seed)
    splits = []
    data = load_with_keras(name, lambda keras: getattr(keras.datasets, name).load_data())
    for (x, y), size, split_seed in zip(data, (max_train, max_test), (seed, seed + 1)):
        rows = subset_indices(len(x), size, split_seed, labels=y if stratify else None)
        splits.append((x, y) if rows is None else (x[rows], y[rows]))
    return tuple(splits)


def load_boston_housing(*, max_train=None, max_test=None, seed=0):
    """Loads Boston Housing through ``keras.datasets.boston_housing.load_data()``.

    Keras's split: 404 training and 102 test districts, 13 features, target the median home
    value in thousands of dollars. A subset is a seeded random choice of rows.

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
    return _load("boston_housing", (404, 102), max_train, max_test, seed, stratify=False)


def load_fashion_mnist(*, max_train=None, max_test=None, seed=0):
    """Loads Fashion-MNIST through ``keras.datasets.fashion_mnist.load_data()``.

    A subset is stratified (``max_train=1000``: 100 images per class), in a seeded order.

    Args:
        max_train: keep this many training images (``None``: all 60,000, in Keras's order).
        max_test: keep this many test images (``None``: all 10,000).
        seed: seed of the subset (unused without ``max_*``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(n, 28, 28)`` and uint8 labels.

    Raises:
        TypeError, ValueError: for a bad ``max_train``, ``max_test`` or ``seed``.
        DataUnavailableError: if a file is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_fashion_mnist
    >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist(max_train=1000)
    >>> x_train.shape
    (1000, 28, 28)
    """
    return _load("fashion_mnist", (60_000, 10_000), max_train, max_test, seed, stratify=True)


def load_mnist(*, max_train=None, max_test=None, seed=0):
    """Loads MNIST through ``keras.datasets.mnist.load_data()`` (the switch from Fashion-MNIST).

    As :func:`load_fashion_mnist`. ``mnist.npz`` is not in the classroom cache: this needs
    internet access once (or ``python -m dlcourse fetch mnist``).

    Example::

        (x_train, y_train), (x_test, y_test) = dlcourse.data.load_mnist()
    """
    return _load("mnist", (60_000, 10_000), max_train, max_test, seed, stratify=True)
