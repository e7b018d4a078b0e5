"""Hold-out splits: scikit-learn's ``train_test_split``, its arguments checked first."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.model_selection import train_test_split

from dlcourse.validation import check_bool, check_class_counts, check_int, check_seed, check_xy, describe, stratify_labels

__all__ = ["holdout_split"]


def holdout_split(x, y, *, validation_size=0.2, shuffle=True, stratify=False, seed=0):
    """Splits ``x`` and ``y`` into a training part and a validation part.

    :func:`sklearn.model_selection.train_test_split` with ``seed`` as its ``random_state``. With
    ``stratify=True`` both parts keep the class proportions of ``y`` (labels or one-hot rows).

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
        TypeError, ValueError: for a bad argument, such as ``stratify=True`` with ``shuffle=False``
            or with targets that are not class labels.

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
            f"received validation_size={describe(validation_size)}"
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
