"""Fashion-MNIST and MNIST through ``keras.datasets`` (notebooks 08, 11, 12 and 14).

The notebooks use Fashion-MNIST, which the classroom cache holds; MNIST is the one-line switch
``load_mnist`` (online only: ``mnist.npz`` is not in the shared cache).
"""

from __future__ import annotations

from dlcourse.data.cache import load_with_keras
from dlcourse.data.subsets import subset_indices
from dlcourse.validation import check_max_size, check_seed

__all__ = ["FASHION_MNIST_CLASS_NAMES", "MNIST_CLASS_NAMES", "load_fashion_mnist", "load_mnist"]

FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
"""Fashion-MNIST's ten class names; label ``i`` is ``FASHION_MNIST_CLASS_NAMES[i]``."""

MNIST_CLASS_NAMES = tuple(str(d) for d in range(10))
"""MNIST's class names, the digits ``"0"`` to ``"9"``."""

_TRAIN_SIZE, _TEST_SIZE = 60_000, 10_000


def _load_28x28(name: str, max_train, max_test, seed):
    max_train = check_max_size("max_train", max_train, _TRAIN_SIZE)
    max_test = check_max_size("max_test", max_test, _TEST_SIZE)
    seed = check_seed(seed)
    splits = []
    data = load_with_keras(name, lambda keras: getattr(keras.datasets, name).load_data())
    for (x, y), size, split_seed in zip(data, (max_train, max_test), (seed, seed + 1)):
        rows = subset_indices(len(x), size, split_seed, labels=y)
        splits.append((x, y) if rows is None else (x[rows], y[rows]))
    return tuple(splits)


def load_fashion_mnist(*, max_train=None, max_test=None, seed=0):
    """Loads Fashion-MNIST through ``keras.datasets.fashion_mnist.load_data()``.

    The four files come from the Keras cache (checked against Zalando's published md5 sums) or
    are downloaded there. A subset is stratified: each of the ten classes keeps its share
    (Fashion-MNIST is balanced, so ``max_train=1000`` gives 100 images per class), in a seeded
    shuffled order.

    Args:
        max_train: keep this many training images (``None``: all 60,000, in Keras's order).
        max_test: keep this many test images (``None``: all 10,000).
        seed: seed of the subset (unused without ``max_*``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(n, 28, 28)`` with values 0-255
        and uint8 labels 0-9 (names in :data:`FASHION_MNIST_CLASS_NAMES`).

    Raises:
        TypeError, ValueError: for a bad ``max_train``, ``max_test`` or ``seed``.
        DataUnavailableError: if a file is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_fashion_mnist
    >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist(max_train=1000)
    >>> x_train.shape
    (1000, 28, 28)
    """
    return _load_28x28("fashion_mnist", max_train, max_test, seed)


def load_mnist(*, max_train=None, max_test=None, seed=0):
    """Loads MNIST through ``keras.datasets.mnist.load_data()`` (the switch from Fashion-MNIST).

    Same shapes, dtypes and options as :func:`load_fashion_mnist`; the labels are the digits.
    ``mnist.npz`` is not in the classroom cache, so this needs internet access once (or
    ``python -m dlcourse fetch mnist`` beforehand).

    Args:
        max_train: keep this many training images (``None``: all 60,000).
        max_test: keep this many test images (``None``: all 10,000).
        seed: seed of the stratified subset.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays ``(n, 28, 28)`` and ``(n,)``.

    Raises:
        TypeError, ValueError: for a bad ``max_train``, ``max_test`` or ``seed``.
        DataUnavailableError: if ``mnist.npz`` is neither cached nor downloadable, or is corrupt.

    Example::

        (x_train, y_train), (x_test, y_test) = dlcourse.data.load_mnist()
    """
    return _load_28x28("mnist", max_train, max_test, seed)
