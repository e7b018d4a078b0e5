"""Shared helpers of the plot modules: Axes checks, figure grids, history parsing, smoothing.

``matplotlib.pyplot`` is imported only when a figure must be created, so importing the package
selects no backend and opens no window.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from dlcourse._validation import check_float, check_int


def check_ax(ax) -> Axes:
    """Returns ``ax`` (a matplotlib Axes) or a new one when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        return plt.subplots()[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; received ax={ax!r} of type {type(ax).__name__}")
    return ax


def check_axes(axes, n: int) -> np.ndarray | None:
    """Checks that ``axes`` (a sequence or array of Axes, or None) holds at least ``n`` Axes."""
    if axes is None:
        return None
    if isinstance(axes, Axes):
        axes = [axes]
    flat = np.asarray(axes, dtype=object).ravel()
    if not all(isinstance(a, Axes) for a in flat):
        raise TypeError(f"axes must be an array or list of matplotlib Axes, or None; received axes={axes!r}")
    if flat.size < n:
        raise ValueError(f"axes must hold at least {n} Axes, one per panel; received {flat.size}")
    return flat


def grid_axes(axes, n: int, ncols: int, *, panel_size: float = 1.6) -> np.ndarray:
    """Returns a flat array of Axes with at least ``n`` panels; panels beyond ``n`` are hidden.

    Args:
        axes: Axes that were already checked with :func:`check_axes`, or None for a new figure.
        n: the number of panels to draw.
        ncols: the number of columns of a new figure (reduced to ``n`` when ``n`` is smaller).
        panel_size: the width and height of one panel of a new figure, in inches.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        ncols = min(ncols, n)
        nrows = math.ceil(n / ncols)
        figsize = (panel_size * ncols, panel_size * nrows + 0.3)
        axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, layout="constrained")[1].ravel()
    for extra in axes[n:]:
        extra.set_axis_off()
    return axes


def check_smooth(smooth) -> float | None:
    """Checks an exponential-moving-average factor: None or a number in [0, 1)."""
    if smooth is None:
        return None
    return check_float("smooth", smooth, minimum=0.0, maximum=1.0, max_inclusive=False)


def ema(values, factor: float | None) -> np.ndarray:
    """Exponential moving average of a curve; ``factor`` None or 0 returns it unchanged.

    Delegates to :func:`dlcourse.evaluation.smooth_curve`, the course's one smoothing helper
    (imported here, not at module level, because ``dlcourse.evaluation`` loads Keras).
    """
    values = np.asarray(values, dtype=float)
    if not factor:
        return values
    from dlcourse.evaluation import smooth_curve

    return smooth_curve(values, factor=factor)


def history_dict(history, name: str = "history") -> dict[str, np.ndarray]:
    """Returns the per-epoch metrics of a Keras ``History``, its ``.history`` dict or a DataFrame.

    An ``epoch`` column (as ``keras.callbacks.CSVLogger`` writes) is dropped: epochs are
    numbered from 1 in row order.
    """
    if hasattr(history, "history") and isinstance(history.history, Mapping):  # keras.callbacks.History
        data = dict(history.history)
    elif hasattr(history, "columns") and hasattr(history, "to_dict"):  # pandas.DataFrame
        data = {str(col): history[col].to_numpy() for col in history.columns}
    elif isinstance(history, Mapping):
        data = dict(history)
    else:
        raise TypeError(
            f"{name} must be a keras.callbacks.History, its .history dict or a pandas DataFrame; "
            f"received {name} of type {type(history).__name__}"
        )
    data.pop("epoch", None)
    curves = {}
    for key, values in data.items():
        array = np.asarray(values)
        if array.ndim != 1 or array.dtype.kind not in "biuf":
            raise ValueError(f"{name}[{key!r}] must be a 1-D sequence of numbers, one per epoch; received {values!r}")
        curves[str(key)] = array.astype(float)
    if not curves or any(c.size == 0 for c in curves.values()):
        raise ValueError(f"{name} must hold at least one epoch of at least one metric; received {data!r}")
    return curves


def check_metric(curves: Mapping, metric: str, name: str = "history") -> str:
    """Checks that ``metric`` is a key of ``curves`` and names the available ones if not."""
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a str such as 'loss'; received metric={metric!r}")
    if metric not in curves:
        available = ", ".join(repr(k) for k in curves)
        raise ValueError(f"metric {metric!r} is not in {name}; available metrics: {available}")
    return metric


def class_labels(value) -> np.ndarray:
    """Labels as given, or class indices from 2-D arrays; integer-valued floats become ints.

    ``(N, K)`` scores or one-hot rows give their argmax; an ``(N, 1)`` column gives its values
    when they are whole numbers (labels such as CIFAR-10's ``y``), else ``value > 0.5`` (one
    sigmoid output). The caller checks the number of axes and the length of the result.
    """
    array = np.asarray(value)
    if array.ndim == 2 and array.dtype.kind in "biuf" and array.shape[1] > 1:
        array = array.argmax(axis=1)
    elif array.ndim == 2 and array.dtype.kind in "biuf" and array.shape[1] == 1:
        column = array[:, 0]
        whole = column.dtype.kind != "f" or bool(np.all(np.isfinite(column) & (column == np.round(column))))
        array = column if whole else (column > 0.5).astype(int)
    if array.dtype.kind == "f" and array.size and np.all(np.isfinite(array) & (array == np.round(array))):
        array = array.astype(int)
    return array


def check_ncols(ncols) -> int:
    """Checks a number of grid columns."""
    return check_int("ncols", ncols, minimum=1)
