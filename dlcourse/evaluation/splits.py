"""Hold-out splits and the argument checks shared by the evaluation helpers.

The splitting itself is scikit-learn's (:func:`sklearn.model_selection.train_test_split`,
``KFold``, ``StratifiedKFold`` and their repeated versions); this module only checks the
arguments first and turns labels into the form that stratification needs.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import type_of_target

from dlcourse._validation import _describe, check_bool, check_int


def as_samples(name: str, value) -> np.ndarray:
    """Returns ``value`` as a NumPy array of samples (first axis), or raises ``TypeError``."""
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
        array = np.asarray(value)
    else:
        raise TypeError(
            f"{name} must be a NumPy array (or a list/pandas object convertible to one); "
            f"received {name}={_describe(value)}"
        )
    if array.ndim == 0:
        raise ValueError(f"{name} must have a first axis of samples; received a scalar {name}={array!r}")
    return array


def check_xy(x, y, *, min_samples: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Checks that ``x`` and ``y`` are arrays with the same number of samples (at least ``min_samples``)."""
    x = as_samples("x", x)
    y = as_samples("y", y)
    if len(x) != len(y):
        raise ValueError(
            f"x and y must have the same number of samples; received len(x)={len(x)} and len(y)={len(y)}"
        )
    if len(x) < min_samples:
        raise ValueError(f"x must hold at least {min_samples} samples; received len(x)={len(x)}")
    return x, y


def check_seed(seed) -> int:
    """Checks a seed: a non-negative int."""
    return check_int("seed", seed, minimum=0)


def stratify_labels(y: np.ndarray, *, argument: str = "stratify") -> np.ndarray:
    """Returns class labels to stratify on: ``y`` itself, ``y`` raveled from ``(n, 1)``, or the argmax of one-hot rows.

    Raises:
        ValueError: if ``y`` does not hold class labels (for instance continuous regression
            targets, or multi-hot rows).
    """
    labels = y
    if y.ndim == 2 and y.shape[1] == 1:
        labels = y.ravel()
    elif y.ndim == 2:
        if not np.issubdtype(y.dtype, np.number) or not np.all(np.sum(y, axis=1) == 1):
            raise ValueError(
                f"{argument}=True needs class labels: y of shape (n,) or one-hot rows of shape (n, C); "
                f"received y with shape {y.shape} whose rows are not one-hot"
            )
        labels = np.argmax(y, axis=1)
    elif y.ndim != 1:
        raise ValueError(
            f"{argument}=True needs class labels: y of shape (n,) or (n, C) one-hot; received y with shape {y.shape}"
        )
    kind = type_of_target(labels)
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"{argument}=True needs class labels (binary or multiclass); received y whose values look {kind!r} "
            f"(for regression targets use {argument}=False)"
        )
    return labels


def check_class_counts(labels: np.ndarray, minimum: int, *, argument: str, needed_for: str) -> None:
    """Checks that every class in ``labels`` has at least ``minimum`` samples."""
    classes, counts = np.unique(labels, return_counts=True)
    smallest = int(np.argmin(counts))
    if counts[smallest] < minimum:
        label = classes[smallest].item() if isinstance(classes[smallest], np.generic) else classes[smallest]
        hint = ", or fewer folds" if needed_for.startswith("k=") else ""
        raise ValueError(
            f"{argument}=True needs at least {needed_for} samples of every class; received class {label!r} with "
            f"only {counts[smallest]} sample(s) (use {argument}=False{hint})"
        )


def holdout_split(x, y, *, validation_size=0.2, shuffle=True, stratify=False, seed=0):
    """Splits ``x`` and ``y`` into a training part and a validation part.

    A thin, checked wrapper of :func:`sklearn.model_selection.train_test_split`: the same order of
    results, the same meaning of a float or an int size, and ``seed`` as its ``random_state``.
    With ``stratify=True`` both parts keep the class proportions of ``y`` (class labels of shape
    ``(n,)``, or one-hot rows, whose argmax is used).

    Args:
        x: the inputs, a NumPy array (any dtype, strings included) with samples on the first axis.
        y: the targets, with as many samples as ``x``.
        validation_size: the fraction of the samples to hold out, a float in ``(0, 1)``, or their
            number, an int in ``[1, len(x) - 1]``.
        shuffle: shuffle before splitting; ``False`` holds out the last samples.
        stratify: keep the class proportions of ``y`` in both parts (needs ``shuffle=True``).
        seed: the random state of the shuffle, a non-negative int.

    Returns:
        ``(x_train, x_val, y_train, y_val)``, NumPy arrays.

    Raises:
        TypeError: if ``x`` or ``y`` is not array-like, or an option has the wrong type.
        ValueError: if ``x`` and ``y`` differ in length, ``validation_size`` is out of range,
            ``stratify=True`` with ``shuffle=False``, or ``y`` holds no class labels when
            ``stratify=True``.

    Example:

    >>> import numpy as np
    >>> x, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
    >>> x_train, x_val, y_train, y_val = holdout_split(x, y, validation_size=0.2, stratify=True)
    >>> x_train.shape, x_val.shape, sorted(y_val.tolist())
    ((8, 2), (2, 2), [0, 1])
    """
    x, y = check_xy(x, y)
    n = len(x)
    if isinstance(validation_size, bool) or not isinstance(validation_size, numbers.Real):
        raise TypeError(
            "validation_size must be a fraction in (0, 1) or a number of samples; "
            f"received validation_size={_describe(validation_size)}"
        )
    if isinstance(validation_size, numbers.Integral):
        validation_size = check_int("validation_size", validation_size, minimum=1, maximum=n - 1)
    elif not 0.0 < float(validation_size) < 1.0:
        raise ValueError(
            f"validation_size must be a fraction in (0, 1) or an int count; received validation_size={validation_size}"
        )
    else:
        validation_size = float(validation_size)
    check_bool("shuffle", shuffle)
    check_bool("stratify", stratify)
    seed = check_seed(seed)
    labels = None
    if stratify:
        if not shuffle:
            raise ValueError("stratify=True needs shuffle=True; received shuffle=False")
        labels = stratify_labels(y)
        check_class_counts(labels, 2, argument="stratify", needed_for="2")
        n_val = validation_size if isinstance(validation_size, int) else int(np.ceil(validation_size * n))
        n_classes = len(np.unique(labels))
        if min(n_val, n - n_val) < n_classes:
            raise ValueError(
                f"stratify=True needs at least one sample of each of the {n_classes} classes in both parts; "
                f"received validation_size={validation_size}, which holds out {n_val} of {n} samples"
            )
    return train_test_split(
        x,
        y,
        test_size=validation_size,
        shuffle=shuffle,
        stratify=labels,
        random_state=seed if shuffle else None,
    )
