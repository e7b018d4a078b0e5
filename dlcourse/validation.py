"""Argument checks shared by the package's public functions.

Each raises ``TypeError`` or ``ValueError`` naming the argument, what was expected and what was received.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "describe",
    "check_int",
    "check_float",
    "check_rate",
    "check_choice",
    "check_bool",
    "check_shape",
    "check_int_sequence",
    "check_xy",
    "check_seed",
    "stratify_labels",
    "check_class_counts",
    "check_finite",
    "check_input_fits",
    "check_targets",
    "check_name",
    "check_activation",
    "check_pair",
    "check_input_shape",
    "check_image_shape",
    "check_keras_tensor",
    "check_max_size",
    "as_numeric_array",
]


def describe(value) -> str:
    return f"{value!r} of type {type(value).__name__}"


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Checks that ``value`` is an integer (not a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; received {name}={describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; received {name}={value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; received {name}={value}")
    return value


def check_float(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
) -> float:
    """Checks that ``value`` is a real number (not a bool) within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; received {name}={describe(value)}")
    value = float(value)
    if minimum is not None and (value < minimum or (not min_inclusive and value == minimum)):
        op = ">=" if min_inclusive else ">"
        raise ValueError(f"{name} must be {op} {minimum}; received {name}={value}")
    if maximum is not None and (value > maximum or (not max_inclusive and value == maximum)):
        op = "<=" if max_inclusive else "<"
        raise ValueError(f"{name} must be {op} {maximum}; received {name}={value}")
    return value


def check_rate(name: str, value) -> float:
    """Checks a rate such as ``dropout_rate``: a number in ``[0, 1)``."""
    return check_float(name, value, minimum=0.0, maximum=1.0, max_inclusive=False)


def check_choice(name: str, value, choices: Iterable) -> object:
    """Checks that ``value`` is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        expected = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {expected}; received {name}={value!r}")
    return value


def check_bool(name: str, value) -> bool:
    """Checks that ``value`` is a bool."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool; received {name}={describe(value)}")
    return value


def check_shape(name: str, value, *, ndim: int | Sequence[int] | None = None) -> tuple:
    """Checks a shape: a tuple/list of positive ints or ``None``, of ``ndim`` (an int or allowed ints) axes."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a tuple of ints such as (28, 28, 1); received {name}={describe(value)}")
    shape = tuple(value)
    for dim in shape:
        if dim is None:
            continue
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
            raise ValueError(f"{name} must hold positive ints (or None); received {name}={shape!r}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if len(shape) not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} axes; received {name}={shape!r} with {len(shape)}")
    return shape


def check_int_sequence(name: str, value, *, minimum: int = 1, allow_empty: bool = True) -> tuple:
    """Checks a sequence of ints such as ``units=(64, 64)``; a single int becomes a 1-tuple."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of ints such as (64, 64); received {name}={describe(value)}")
    items = tuple(value)
    if not items and not allow_empty:
        raise ValueError(f"{name} must not be empty; received {name}={items!r}")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} must hold ints; received {name}={items!r}")
        if item < minimum:
            raise ValueError(f"every entry of {name} must be >= {minimum}; received {name}={items!r}")
    return tuple(int(i) for i in items)


# Arrays of samples and class labels (the K-fold, split, training and leakage helpers).


def _as_samples(name: str, value) -> np.ndarray:
    """Returns ``value`` as a NumPy array of samples (first axis), or raises ``TypeError``."""
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
        array = np.asarray(value)
    else:
        raise TypeError(
            f"{name} must be a NumPy array (or a list/pandas object convertible to one); "
            f"received {name}={describe(value)}"
        )
    if array.ndim == 0:
        raise ValueError(f"{name} must have a first axis of samples; received a scalar {name}={array!r}")
    return array


def check_xy(x, y, *, min_samples: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Checks that ``x`` and ``y`` are arrays with the same number of samples (at least ``min_samples``)."""
    x = _as_samples("x", x)
    y = _as_samples("y", y)
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
    """Returns class labels to stratify on: ``y``, ``y`` raveled from ``(n, 1)``, or the argmax of one-hot rows.

    Raises:
        ValueError: if ``y`` does not hold class labels (e.g. regression targets or multi-hot rows).
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
    from sklearn.utils.multiclass import type_of_target  # here: importing scikit-learn takes 0.7 s

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


def check_finite(name: str, value: np.ndarray) -> None:
    """Checks that a numeric array holds no NaN or infinity (a model trained on them predicts a constant)."""
    if np.issubdtype(value.dtype, np.number) and not np.issubdtype(value.dtype, np.integer):
        finite = np.isfinite(value)
        if not finite.all():
            bad = np.argwhere(~finite)[0]
            where = bad[0] if len(bad) == 1 else tuple(int(i) for i in bad)
            raise ValueError(
                f"{name} must hold finite numbers; received {name} with {int((~finite).sum())} NaN or infinite "
                f"value(s), the first at index {where} ({float(value[tuple(bad)])})"
            )


def check_input_fits(model, x: np.ndarray, name: str = "x") -> None:
    """Checks that samples of ``x`` have the shape the model's (single) input expects."""
    expected = tuple(model.inputs[0].shape[1:])
    received = tuple(x.shape[1:])
    fits = len(expected) == len(received) and all(e is None or e == r for e, r in zip(expected, received))
    if not fits:
        raise ValueError(
            f"{name} must hold samples of shape {expected} to fit model {model.name!r}; received {name} with "
            f"shape {x.shape}, samples of shape {received}"
        )


def _values(y: np.ndarray) -> str:
    values = np.unique(y)
    shown = ", ".join(str(v) for v in values[:6])
    return f"[{shown}{', ...' if len(values) > 6 else ''}]"


def check_targets(y: np.ndarray, task: str, units: int, name: str = "y") -> bool:
    """Checks targets against a task of the task table and a model with ``units`` outputs.

    Args:
        y: the targets, a NumPy array.
        task: a key of :data:`dlcourse.TASKS`.
        units: the number of output units of the model.
        name: the argument's name, for the message.

    Returns:
        Whether ``y`` holds one-hot rows (``task="multiclass"`` only).

    Raises:
        ValueError: if ``y`` holds NaN/inf, or labels that the task and the model cannot take.
    """
    if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
        raise ValueError(f"{name} must hold numbers for task={task!r}; received {name} of dtype {y.dtype}")
    check_finite(name, y)
    flat = y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y
    if task == "binary":
        if flat.ndim != 1 or not np.isin(flat, (0, 1)).all():
            raise ValueError(
                f"{name} must hold the labels 0 and 1 for task='binary'; received {name} with "
                + (f"shape {y.shape}" if flat.ndim != 1 else f"values {_values(flat)}")
            )
    elif task == "multiclass":
        if y.ndim == 2 and y.shape[1] == units and units > 1:
            if not (np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
                raise ValueError(
                    f"{name} of shape {y.shape} must hold one-hot rows (one 1 per row) for task='multiclass'; "
                    f"received rows with values {_values(y)} summing to {_values(y.sum(axis=1))}"
                )
            return True
        if flat.ndim != 1:
            raise ValueError(
                f"{name} must hold class indices of shape (n,) or one-hot rows of shape (n, {units}) for "
                f"task='multiclass' with {units} classes; received {name} with shape {y.shape}"
            )
        if not (np.equal(np.mod(flat, 1), 0).all() and flat.min() >= 0 and flat.max() < units):
            raise ValueError(
                f"{name} must hold class indices 0..{units - 1} for a model with {units} output units; "
                f"received {name} with values {_values(flat)}"
            )
    elif task == "multilabel":
        if y.ndim != 2 or y.shape[1] != units or not np.isin(y, (0, 1)).all():
            raise ValueError(
                f"{name} must hold multi-hot rows of 0 and 1 with shape (n, {units}) for task='multilabel'; "
                f"received {name} with shape {y.shape} and values {_values(y)}"
            )
    elif task == "regression_unit" and (flat.min() < 0 or flat.max() > 1):
        raise ValueError(
            f"{name} must hold targets in [0, 1] for task='regression_unit' (a sigmoid output); received "
            f"{name} from {flat.min()} to {flat.max()}"
        )
    return False


# Model-building arguments. Keras is imported inside the functions that need it.


def check_name(name: str, value, *, optional: bool = False) -> str | None:
    """Checks a model or layer name: a non-empty string (or ``None`` when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        expected = "a non-empty str or None" if optional else "a non-empty str"
        raise TypeError(f"{name} must be {expected}; received {name}={value!r}")
    return value


def check_activation(name: str, value, *, optional: bool = False):
    """Checks an activation: a Keras activation name such as ``"relu"``, a callable (or ``None`` when ``optional``)."""
    if (value is None and optional) or callable(value):
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be an activation name such as 'relu' or a callable; received {name}={value!r}"
        )
    import keras

    try:
        keras.activations.get(value)
    except ValueError:
        raise ValueError(
            f"{name} must be a Keras activation name such as 'relu', 'tanh' or 'gelu'; received {name}={value!r}"
        ) from None
    return value


def check_pair(name: str, value) -> tuple[int, int]:
    """Checks a ``kernel_size``/``strides``/``pool_size``: a positive int or a pair of them; returns the pair."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be an int or a pair of ints such as (3, 3); received {name}={value!r}")
    return (check_int(name, value[0], minimum=1), check_int(name, value[1], minimum=1))


def check_input_shape(name: str, value, *, ndim: int | Sequence[int] | None = None) -> tuple:
    """Checks the shape of one sample, as :func:`check_shape`; an int ``n`` becomes ``(n,)``."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),)
    return check_shape(name, value, ndim=ndim)


def check_image_shape(name: str, value, *, min_size: int = 1, channels: int | None = None) -> tuple:
    """Checks an image shape ``(height, width, channels)``, channels last, at least ``min_size`` pixels a side."""
    shape = check_shape(name, value, ndim=3)
    if shape[2] is None:
        raise ValueError(f"{name} must give the number of channels; received {name}={shape!r}")
    if channels is not None and shape[2] != channels:
        raise ValueError(f"{name} must have {channels} channels (last axis); received {name}={shape!r}")
    if any(dim is not None and dim < min_size for dim in shape[:2]):
        raise ValueError(f"{name} must be at least {min_size}x{min_size}; received {name}={shape!r}")
    return shape


def check_keras_tensor(name: str, value, *, ndim: int | None = None):
    """Checks a symbolic Keras tensor (the output of ``keras.Input`` or of a layer) of ``ndim`` axes."""
    import keras

    if not isinstance(value, keras.KerasTensor):
        raise TypeError(
            f"{name} must be a symbolic tensor such as keras.Input((28, 28, 1)); "
            f"received {name} of type {type(value).__name__}"
        )
    if ndim is not None and len(value.shape) != ndim:
        raise ValueError(f"{name} must have {ndim} axes; received {name} of shape {value.shape}")
    return value


def check_max_size(name: str, value, total: int) -> int | None:
    """Checks a subset size such as a loader's ``max_train``: ``None`` (everything) or an int in ``[1, total]``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be None or an int; received {name}={describe(value)}")
    if value < 1 or value > total:
        raise ValueError(f"{name} must be None or between 1 and {total:,} (the full size); received {name}={value}")
    return int(value)


def as_numeric_array(name: str, value) -> np.ndarray:
    """Returns ``value`` as a NumPy array of bools, ints or floats; floats under 32 bits become float32.

    Mixed-precision scores (float16, or ``ml_dtypes``' bfloat16, recognised by name so that this
    module stays NumPy-only) become float32, which matplotlib and pandas can handle.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers; received {name}={describe(value)}")
    array = np.asarray(value)
    dtype = array.dtype
    if dtype.kind == "V" and dtype.names is None and dtype.name.startswith(("bfloat", "float")):  # ml_dtypes
        return array.astype(np.float32)
    if dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers (int or float, float16/bfloat16 included); received {name} of dtype {dtype}"
        )
    return array.astype(np.float32) if dtype.kind == "f" and dtype.itemsize < 4 else array
