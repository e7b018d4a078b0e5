"""Argument checks shared by the package's public functions.

Each helper raises ``TypeError`` or ``ValueError`` whose message names the argument, what was
expected and what was received, so that a student sees at once what to change.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence


def _describe(value) -> str:
    return f"{value!r} of type {type(value).__name__}"


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Checks that ``value`` is an integer (not a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; received {name}={_describe(value)}")
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
        raise TypeError(f"{name} must be a number; received {name}={_describe(value)}")
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
        raise TypeError(f"{name} must be a bool; received {name}={_describe(value)}")
    return value


def check_shape(name: str, value, *, ndim: int | Sequence[int] | None = None) -> tuple:
    """Checks an input shape: a tuple/list of positive ints (``None`` allowed for free axes).

    Args:
        name: the argument's name, for the message.
        value: the shape to check.
        ndim: the allowed number of axes (an int, or a sequence of allowed ints).

    Returns:
        The shape as a tuple.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a tuple of ints such as (28, 28, 1); received {name}={_describe(value)}")
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
        raise TypeError(f"{name} must be a sequence of ints such as (64, 64); received {name}={_describe(value)}")
    items = tuple(value)
    if not items and not allow_empty:
        raise ValueError(f"{name} must not be empty; received {name}={items!r}")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} must hold ints; received {name}={items!r}")
        if item < minimum:
            raise ValueError(f"every entry of {name} must be >= {minimum}; received {name}={items!r}")
    return tuple(int(i) for i in items)
