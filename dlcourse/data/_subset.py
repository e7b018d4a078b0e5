"""Reproducible subsets for the loaders' ``max_train``/``max_test`` options.

Classification subsets are stratified: each class keeps its share of the full set (largest
remainder rounding), so a 1,000-review IMDB subset holds 500 positive and 500 negative reviews.
The chosen indices come back shuffled by the same seed, so the same seed always gives the same
subset in the same order, and the order never follows the classes (Keras's ``validation_split``
takes the last samples, so sorted data would give a one-class validation set).
"""

from __future__ import annotations

import numpy as np

from dlcourse._validation import check_int


def check_max(name: str, value, total: int) -> int | None:
    """Checks a ``max_*`` option: ``None`` (everything) or an int in ``[1, total]``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be None or an int; received {name}={value!r} of type {type(value).__name__}")
    if value < 1 or value > total:
        raise ValueError(f"{name} must be None or between 1 and {total:,} (the full size); received {name}={value}")
    return int(value)


def check_seed(seed) -> int:
    """Checks a ``seed`` option: an int >= 0."""
    return check_int("seed", seed, minimum=0)


def stratified_indices(labels, size: int, rng: np.random.Generator) -> np.ndarray:
    """Returns ``size`` shuffled indices whose classes keep their shares of ``labels``."""
    labels = np.asarray(labels)
    classes, counts = np.unique(labels, return_counts=True)
    quotas = size * counts / counts.sum()
    take = np.floor(quotas).astype(int)
    order = np.lexsort((-counts, -(quotas - take)))  # largest remainder first, then larger classes
    take[order[: size - take.sum()]] += 1
    chosen = [rng.choice(np.flatnonzero(labels == c), n, replace=False) for c, n in zip(classes, take) if n]
    return rng.permutation(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=int)


def subset_indices(
    n_total: int, size: int | None, seed: int, *, labels=None, shuffle_all: bool = False
) -> np.ndarray | None:
    """Chooses the rows of a reproducible subset.

    Args:
        n_total: the number of rows.
        size: the subset size, or ``None`` for every row.
        seed: the seed of the choice and of the order.
        labels: class labels for a stratified subset (``None``: a plain random subset).
        shuffle_all: with ``size=None``, return all rows shuffled instead of ``None``.

    Returns:
        The indices, or ``None`` when every row is kept in its original order.
    """
    rng = np.random.default_rng(seed)
    if size is None:
        return rng.permutation(n_total) if shuffle_all else None
    if labels is not None:
        return stratified_indices(labels, size, rng)
    return rng.permutation(n_total)[:size]


def take(x, y, indices):
    """Returns ``(x[indices], y[indices])``, or ``(x, y)`` unchanged when ``indices`` is ``None``."""
    if indices is None:
        return x, y
    return x[indices], y[indices]
