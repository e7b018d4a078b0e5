"""Fashion-MNIST and MNIST through ``keras.datasets`` (notebooks 08, 11, 12 and 14).

The notebooks use Fashion-MNIST, which the classroom cache holds; MNIST is the one-line switch
``load_mnist`` (online only: ``mnist.npz`` is not in the shared cache).
"""

from __future__ import annotations

from dlcourse.data import _subset
from dlcourse.data._cache import load_with_keras

FASHION_MNIST_CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
"""Fashion-MNIST's ten class names; label ``i`` is ``FASHION_MNIST_CLASS_NAMES[i]``."""

MNIST_CLASS_NAMES = tuple(str(d) for d in range(10))
"""MNIST's class names, the digits ``"0"`` to ``"9"``."""

_TRAIN_SIZE, _TEST_SIZE = 60_000, 10_000


def _load_28x28(name: str, module: str, max_train, max_test, seed):
    max_train = _subset.check_max("max_train", max_train, _TRAIN_SIZE)
    max_test = _subset.check_max("max_test", max_test, _TEST_SIZE)
    seed = _subset.check_seed(seed)

    def loader():
        import keras

        return getattr(keras.datasets, module).load_data()

    (x_train, y_train), (x_test, y_test) = load_with_keras(name, loader)
    train = _subset.take(x_train, y_train, _subset.subset_indices(len(x_train), max_train, seed, labels=y_train))
    test = _subset.take(x_test, y_test, _subset.subset_indices(len(x_test), max_test, seed + 1, labels=y_test))
    return train, test


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

    >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist(max_train=1000)  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (1000, 28, 28)
    """
    return _load_28x28("fashion_mnist", "fashion_mnist", max_train, max_test, seed)


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

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
    """
    return _load_28x28("mnist", "mnist", max_train, max_test, seed)
