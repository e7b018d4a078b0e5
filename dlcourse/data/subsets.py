"""Seeded subsets of a labelled dataset: the loaders' ``max_*`` subsets, some classes, a few labels per class.

Classification subsets are stratified (each class keeps its share, largest remainder rounding)
and come back shuffled by the seed, so the order never follows the classes. The other helpers
carve a few-label *target* task out of a dataset (notebook 10).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from dlcourse.validation import check_int, check_seed

__all__ = ["other_classes", "sample_per_class", "select_classes", "subset_indices"]


def _check_classes(classes) -> tuple[int, ...]:
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence):
        raise TypeError(f"classes must be a sequence of class labels such as (0, 6); received classes={classes!r}")
    items = tuple(classes)
    if not items:
        raise ValueError("classes must hold at least one class label; received classes=()")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(f"classes must hold int labels; received classes={items!r}")
    if len(set(items)) != len(items):
        raise ValueError(f"classes must not repeat a label; received classes={items!r}")
    return tuple(int(i) for i in items)


def _check_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    if not hasattr(x, "shape") or not hasattr(x, "__getitem__"):
        raise TypeError(f"x must be an array with one row per sample; received x of type {type(x).__name__}")
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array of integer class labels; received y with shape {y.shape}")
    if y.size and y.dtype.kind not in "iu":
        raise TypeError(f"y must hold integer class labels; received y with dtype {y.dtype}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of samples; received {len(x)} and {len(y)}")
    return x, y


def other_classes(classes, *, num_classes: int) -> tuple[int, ...]:
    """Returns the labels ``0 .. num_classes - 1`` that are not in ``classes``, in order.

    Raises:
        TypeError: if ``classes`` is not a sequence of ints or ``num_classes`` not an int.
        ValueError: if ``classes`` is empty, repeats a label, holds a label outside
            ``[0, num_classes)``, or leaves no class over.

    Example:

    >>> from dlcourse.data import other_classes
    >>> other_classes((0, 6), num_classes=10)
    (1, 2, 3, 4, 5, 7, 8, 9)
    """
    classes = _check_classes(classes)
    num_classes = check_int("num_classes", num_classes, minimum=2)
    outside = [c for c in classes if not 0 <= c < num_classes]
    if outside:
        raise ValueError(f"classes must be labels in [0, {num_classes}); received classes={classes!r}")
    rest = tuple(c for c in range(num_classes) if c not in classes)
    if not rest:
        raise ValueError(
            f"classes must leave at least one of the {num_classes} classes over; received classes={classes!r}"
        )
    return rest


def select_classes(x, y, classes):
    """Keeps the samples of some classes and renumbers their labels ``0, 1, ...``.

    The new label is the position of the old one in ``classes`` (``classes=(0, 6)``: 6 becomes
    1). The samples keep their order.

    Args:
        x: the samples, an array with one row per sample.
        y: their integer class labels, shape ``(n,)``.
        classes: the labels to keep, in the order that defines the new labels.

    Returns:
        ``(x_selected, y_selected)``, the new labels as int32.

    Raises:
        TypeError, ValueError: for a bad ``x``, ``y`` (1-D integer labels) or ``classes``.

    Example:

    >>> import numpy as np
    >>> from dlcourse.data import select_classes
    >>> x = np.arange(6)
    >>> select_classes(x, np.array([0, 6, 3, 6, 0, 1]), (0, 6))
    (array([0, 1, 3, 4]), array([0, 1, 1, 0], dtype=int32))
    """
    x, y = _check_xy(x, y)
    classes = _check_classes(classes)
    keep = np.isin(y, classes)
    lookup = {c: i for i, c in enumerate(classes)}
    labels = np.array([lookup[int(label)] for label in y[keep]], dtype=np.int32)
    return x[keep], labels


def sample_per_class(x, y, n_per_class: int, *, seed: int = 0):
    """Draws ``n_per_class`` samples of every class present in ``y``, in a shuffled order.

    Args:
        x: the samples, an array with one row per sample.
        y: their integer class labels, shape ``(n,)``.
        n_per_class: how many samples of each class to keep, at least 1.
        seed: the seed of the draw and of the order.

    Returns:
        ``(x_sample, y_sample)``: ``n_per_class * number_of_classes`` rows, the classes mixed.

    Raises:
        TypeError, ValueError: for a bad argument, or a class of fewer than ``n_per_class`` samples.

    Example:

    >>> import numpy as np
    >>> from dlcourse.data import sample_per_class
    >>> x, y = np.arange(10), np.array([0, 1] * 5)
    >>> x_few, y_few = sample_per_class(x, y, 2, seed=0)
    >>> sorted(y_few.tolist())
    [0, 0, 1, 1]
    """
    x, y = _check_xy(x, y)
    n_per_class = check_int("n_per_class", n_per_class, minimum=1)
    seed = check_seed(seed)
    if y.size == 0:
        raise ValueError("y must hold at least one sample; received an empty y")
    classes, counts = np.unique(y, return_counts=True)
    short = {int(c): int(n) for c, n in zip(classes, counts) if n < n_per_class}
    if short:
        raise ValueError(
            f"n_per_class must be at most the size of the smallest class; received n_per_class={n_per_class} "
            f"but class sizes {short}"
        )
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(y == c), n_per_class, replace=False) for c in classes])
    order = rng.permutation(chosen)
    return x[order], y[order]


def _stratified_indices(labels, size: int, rng: np.random.Generator) -> np.ndarray:
    # Not sklearn's train_test_split(stratify=...): it refuses classes with a single member
    # (Reuters has topics with one test story) and a subset as large as the whole set.
    labels = np.asarray(labels)
    classes, counts = np.unique(labels, return_counts=True)
    quotas = size * counts / counts.sum()
    take = np.floor(quotas).astype(int)
    order = np.lexsort((-counts, -(quotas - take)))  # largest remainder first, then larger classes
    take[order[: size - take.sum()]] += 1
    chosen = [rng.choice(np.flatnonzero(labels == c), n, replace=False) for c, n in zip(classes, take) if n]
    return rng.permutation(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=int)


def subset_indices(n_total: int, size: int | None, seed: int, *, labels=None, shuffle_all: bool = False):
    """Chooses the rows of a reproducible subset (stratified when ``labels`` are given).

    Used by the loaders, which check ``size`` and ``seed``; this function trusts them.

    Args:
        n_total: the number of rows.
        size: the subset size (at most ``n_total``), or ``None`` for every row.
        seed: the seed of the choice and of the order.
        labels: class labels for a stratified subset (``None``: a plain random subset).
        shuffle_all: with ``size=None``, return all rows shuffled instead of ``None``.

    Returns:
        The indices, shuffled, or ``None`` when every row is kept in its original order.

    Example:

    >>> import numpy as np
    >>> from dlcourse.data import subset_indices
    >>> labels = np.array([0] * 8 + [1] * 2)
    >>> rows = subset_indices(10, 5, seed=0, labels=labels)
    >>> sorted(labels[rows].tolist())
    [0, 0, 0, 0, 1]
    """
    rng = np.random.default_rng(seed)
    if size is None:
        return rng.permutation(n_total) if shuffle_all else None
    if labels is not None:
        return _stratified_indices(labels, size, rng)
    return rng.permutation(n_total)[:size]
