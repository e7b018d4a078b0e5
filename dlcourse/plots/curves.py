"""Learning curves: one run, a metric per panel, several runs, and the folds of a K-fold run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from dlcourse.plots.axes import check_ax, grid_axes
from dlcourse.validation import as_numeric_array, check_bool, check_int, check_rate

__all__ = ["plot_history", "plot_training_curves", "plot_histories", "plot_kfold_curves"]


def _history_dict(history, name: str = "history") -> dict[str, np.ndarray]:
    """The per-epoch metrics of a ``History``, its ``.history`` dict or a DataFrame (an ``epoch`` column is dropped)."""
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
    curves = {str(key): as_numeric_array(f"{name}[{key!r}]", values).astype(float) for key, values in data.items()}
    for key, curve in curves.items():
        if curve.ndim != 1:
            raise ValueError(f"{name}[{key!r}] must be a 1-D sequence of numbers, one per epoch; received {curve!r}")
    if not curves or any(c.size == 0 for c in curves.values()):
        raise ValueError(f"{name} must hold at least one epoch of at least one metric; received {data!r}")
    return curves


def _check_metric(curves: Mapping, metric, name: str = "history") -> str:
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a str such as 'loss'; received metric={metric!r}")
    if metric not in curves:
        available = ", ".join(repr(k) for k in curves)
        raise ValueError(f"metric {metric!r} is not in {name}; available metrics: {available}")
    return metric


def _check_title(title) -> str | None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None; received title={title!r}")
    return title


def _smoothed(values: np.ndarray, smooth: float | None) -> np.ndarray:
    """``values`` through :func:`dlcourse.evaluation.smooth_curve` (imported here: the plots load no Keras)."""
    if not smooth:
        return values
    from dlcourse.evaluation.result import smooth_curve

    return smooth_curve(values, factor=smooth)


def _epochs(n: int, skip: int = 0) -> np.ndarray:
    """Epoch numbers from ``skip + 1`` to ``n`` (epochs are numbered from 1)."""
    return np.arange(skip + 1, n + 1)


def _draw_history(ax, curves, metric, *, validation, smooth):
    suffix = " (smoothed)" if smooth else ""
    train = curves[metric]
    ax.plot(_epochs(train.size), _smoothed(train, smooth), "o-", markersize=3, label=f"training{suffix}")
    if validation:
        val = curves[f"val_{metric}"]
        ax.plot(_epochs(val.size), _smoothed(val, smooth), "-", linewidth=2, label=f"validation{suffix}")
    ax.set_xlabel("Epoch")
    ax.set_ylabel(metric)
    ax.legend()


def plot_history(history, metric="loss", *, ax=None, validation=True, title=None, smooth=None):
    """Plots the training (and validation) curve of one metric against the epoch.

    Args:
        history: a ``keras.callbacks.History``, its ``.history`` dict, or a DataFrame with one
            column per metric; epochs are numbered from 1.
        metric: the training metric's name, such as ``"loss"``; its validation curve is
            ``"val_" + metric``.
        ax: the Axes to draw on; None creates a figure.
        validation: whether to draw the validation curve too.
        title: the title; None gives "Training and validation <metric>".
        smooth: None, or the exponential moving average factor in ``[0, 1)`` applied to both curves.

    Returns:
        The Axes; ``ax.lines[0]`` is the training curve, ``ax.lines[1]`` the validation curve.

    Raises:
        TypeError: ``history``, ``ax`` or ``title`` has the wrong type.
        ValueError: ``metric`` or its validation curve is not in the history, ``metric`` starts
            with ``val_`` while ``validation=True``, or ``smooth`` is out of range.

    Example:
        >>> from dlcourse.plots import plot_history
        >>> ax = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.8]}, "loss")
        >>> ax.get_title()
        'Training and validation loss'
    """
    curves = _history_dict(history)
    validation = check_bool("validation", validation)
    if isinstance(metric, str) and metric.startswith("val_") and validation:
        raise ValueError(
            f"metric must name the training metric, such as {metric[4:]!r} (its validation curve "
            f"{metric!r} is drawn too), or pass validation=False; received metric={metric!r}"
        )
    _check_metric(curves, metric)
    if validation and f"val_{metric}" not in curves:
        available = ", ".join(repr(k) for k in curves)
        raise ValueError(
            f"history has no validation curve 'val_{metric}' (was fit called without validation data?); "
            f"pass validation=False; available metrics: {available}"
        )
    title = _check_title(title)
    smooth = None if smooth is None else check_rate("smooth", smooth)
    ax = check_ax(ax)
    _draw_history(ax, curves, metric, validation=validation, smooth=smooth)
    ax.set_title(title if title is not None else f"{'Training and validation' if validation else 'Training'} {metric}")
    return ax


def plot_training_curves(history, *, metrics=("loss", "accuracy"), ax=None):
    """Plots several metrics side by side, training and (when present) validation: the view that shows overfitting.

    Args:
        history: a ``keras.callbacks.History``, its ``.history`` dict or a pandas DataFrame.
        metrics: the training metrics' names, one panel each (a single str is one panel).
        ax: Axes to draw on, at least one per metric; None creates a figure with one row.

    Returns:
        The flat array of Axes, one per metric in order.

    Raises:
        TypeError: ``history``, ``metrics`` or ``ax`` has the wrong type.
        ValueError: a metric is not in the history, ``metrics`` is empty, or ``ax`` holds too
            few Axes.

    Example:
        >>> from dlcourse.plots import plot_training_curves
        >>> history = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7], "mae": [0.8, 0.6], "val_mae": [0.9, 0.7]}
        >>> [ax.get_title() for ax in plot_training_curves(history, metrics=("loss", "mae"))]
        ['loss', 'mae']
    """
    curves = _history_dict(history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, Sequence) or not metrics or not all(isinstance(m, str) for m in metrics):
        raise TypeError(
            f"metrics must be a non-empty sequence of metric names such as ('loss', 'accuracy'); "
            f"received metrics={metrics!r}"
        )
    for metric in metrics:
        _check_metric(curves, metric)
    axes = grid_axes(ax, len(metrics), len(metrics), panel_size=4.0)
    for ax, metric in zip(axes, metrics):
        _draw_history(ax, curves, metric, validation=f"val_{metric}" in curves, smooth=None)
        ax.set_title(metric)
    return axes


def plot_histories(histories, metric="val_loss", *, ax=None, title=None):
    """Compares one metric across several runs on one Axes.

    Args:
        histories: a dict mapping each run's name (the legend label) to its history.
        metric: the metric to compare, such as ``"val_loss"``.
        ax: the Axes to draw on; None creates a figure.
        title: the title; None uses ``metric``.

    Returns:
        The Axes; ``ax.lines[i]`` is the curve of the ``i``-th run.

    Raises:
        TypeError: ``histories`` is not a dict of histories, or ``ax``/``title`` has the wrong type.
        ValueError: ``histories`` is empty or a run lacks ``metric``.

    Example:
        >>> from dlcourse.plots import plot_histories
        >>> ax = plot_histories({"small": {"val_loss": [0.7, 0.5]}, "big": {"val_loss": [0.6, 0.9]}})
        >>> [line.get_label() for line in ax.lines]
        ['small', 'big']
    """
    if not isinstance(histories, Mapping):
        raise TypeError(
            f"histories must be a dict mapping run names to histories; "
            f"received histories of type {type(histories).__name__}"
        )
    if not histories:
        raise ValueError("histories must hold at least one run; received an empty dict")
    runs = {}
    for name, history in histories.items():
        label = f"histories[{name!r}]"
        runs[str(name)] = _history_dict(history, name=label)
        _check_metric(runs[str(name)], metric, name=label)
    title = _check_title(title)
    ax = check_ax(ax)
    for name, curves in runs.items():
        ax.plot(_epochs(curves[metric].size), curves[metric], label=name)
    ax.set_xlabel("Epoch")
    ax.set_ylabel(metric)
    ax.set_title(title if title is not None else metric)
    ax.legend()
    return ax


def _fold_matrix(result, metric) -> np.ndarray:
    """The ``(folds, epochs)`` array of a ``CVResult`` (NaN after a fold stopped early) or of a 2-D array."""
    if callable(getattr(result, "curves", None)):  # a CVResult; duck-typed: dlcourse.evaluation loads Keras
        return result.curves(metric).to_numpy(dtype=float).T
    if isinstance(result, (str, bytes)) or not hasattr(result, "__len__"):
        raise TypeError(
            "result must be a CVResult (from dlcourse.cross_validate) or a 2-D array (folds, epochs); "
            f"received result of type {type(result).__name__}"
        )
    array = as_numeric_array("result", result).astype(float)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"result must be a non-empty 2-D array (folds, epochs); received result.shape={array.shape}")
    return array


def plot_kfold_curves(result, metric="val_mae", *, smooth=None, ax=None, skip=0):
    """Plots each fold's per-epoch curve (thin) and their mean over the folds that reached each epoch (thick).

    Args:
        result: a ``CVResult`` (from ``dlcourse.cross_validate``) or a 2-D array
            ``(folds, epochs)`` of one metric.
        metric: the metric of a ``CVResult`` to plot; the y label.
        smooth: None, or the moving-average factor in ``[0, 1)`` of an extra, smoothed mean curve.
        ax: the Axes to draw on; None creates a figure.
        skip: the number of first epochs to drop.

    Returns:
        The Axes: one line per fold, then the mean, then (with ``smooth``) the smoothed mean.

    Raises:
        TypeError: ``result``, ``metric`` or ``ax`` has the wrong type.
        ValueError: ``metric`` is not in the ``CVResult``, ``smooth`` is out of range, or ``skip``
            is not below the number of epochs.

    Example:
        >>> import numpy as np
        >>> from dlcourse.plots import plot_kfold_curves
        >>> ax = plot_kfold_curves(np.array([[4.0, 3.0, 2.0], [6.0, 3.0, 2.0]]))
        >>> ax.lines[-1].get_ydata().tolist()
        [5.0, 3.0, 2.0]
    """
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a str such as 'val_mae'; received metric={metric!r}")
    folds = _fold_matrix(result, metric)
    smooth = None if smooth is None else check_rate("smooth", smooth)
    skip = check_int("skip", skip, minimum=0, maximum=folds.shape[1] - 1)
    ax = check_ax(ax)
    folds = folds[:, skip:]
    epochs = _epochs(folds.shape[1] + skip, skip)
    for i, curve in enumerate(folds):
        ax.plot(epochs, curve, color="C0", lw=0.8, alpha=0.5, label="_nolegend_" if i else "folds")
    mean = np.nanmean(folds, axis=0)
    ax.plot(epochs, mean, color="C1", lw=2.5 if smooth is None else 1.2, label=f"mean of {len(folds)} folds")
    if smooth is not None:
        ax.plot(epochs, _smoothed(mean, smooth), color="C3", lw=2.5, label=f"mean, smoothed ({smooth})")
    ax.set_xlabel("Epoch")
    ax.set_ylabel(metric)
    ax.legend()
    return ax
