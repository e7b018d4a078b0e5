"""Learning curves: one run, a metric per panel, several runs, and the folds of a K-fold run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from dlcourse._validation import check_bool, check_int
from dlcourse.plots._common import (
    check_ax,
    check_axes,
    check_metric,
    check_smooth,
    ema,
    grid_axes,
    history_dict,
)

__all__ = ["plot_history", "plot_training_curves", "plot_histories", "plot_kfold_curves"]

_KFOLD_COLUMNS = ("repeat", "fold", "epoch", "metric", "value")


def _check_title(title) -> str | None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None; received title={title!r}")
    return title


def _epochs(n: int, skip: int = 0) -> np.ndarray:
    """Epoch numbers from ``skip + 1`` to ``n`` (epochs are numbered from 1)."""
    return np.arange(skip + 1, n + 1)


def _draw_history(ax, curves, metric, *, validation, smooth):
    suffix = " (smoothed)" if smooth else ""
    train = curves[metric]
    ax.plot(_epochs(train.size), ema(train, smooth), "o-", markersize=3, label=f"training{suffix}")
    if validation:
        val = curves[f"val_{metric}"]
        ax.plot(_epochs(val.size), ema(val, smooth), "-", linewidth=2, label=f"validation{suffix}")
    ax.set_xlabel("Epoch")
    ax.set_ylabel(metric)
    ax.legend()


def plot_history(history, metric="loss", *, ax=None, validation=True, title=None, smooth=None):
    """Plots the training (and validation) curve of one metric against the epoch.

    Args:
        history: what ``model.fit`` returned (a ``keras.callbacks.History``), its ``.history``
            dict, or a pandas DataFrame with one column per metric (an ``epoch`` column is
            ignored; epochs are numbered from 1).
        metric: the training metric's name, such as ``"loss"`` or ``"accuracy"``; its
            validation curve is ``"val_" + metric``.
        ax: the Axes to draw on; None creates a figure.
        validation: whether to draw the validation curve too.
        title: the title; None gives "Training and validation <metric>".
        smooth: None, or an exponential-moving-average factor in ``[0, 1)`` applied to both
            curves (0.9 smooths strongly).

    Returns:
        The Axes; ``ax.lines[0]`` is the training curve, ``ax.lines[1]`` the validation curve.

    Raises:
        TypeError: ``history``, ``ax`` or ``title`` has the wrong type.
        ValueError: ``metric`` is not in the history (the message lists the available ones),
            ``metric`` already starts with ``val_`` while ``validation=True``, the validation
            curve is missing, or ``smooth`` is out of range.

    Example:
        >>> history = model.fit(x, y, validation_split=0.2, epochs=20)  # doctest: +SKIP
        >>> plot_history(history, "accuracy")  # doctest: +SKIP
    """
    curves = history_dict(history)
    validation = check_bool("validation", validation)
    if isinstance(metric, str) and metric.startswith("val_") and validation:
        raise ValueError(
            f"metric must name the training metric, such as {metric[4:]!r} (its validation curve "
            f"{metric!r} is drawn too), or pass validation=False; received metric={metric!r}"
        )
    check_metric(curves, metric)
    if validation and f"val_{metric}" not in curves:
        available = ", ".join(repr(k) for k in curves)
        raise ValueError(
            f"history has no validation curve 'val_{metric}' (was fit called without validation data?); "
            f"pass validation=False; available metrics: {available}"
        )
    title = _check_title(title)
    smooth = check_smooth(smooth)
    ax = check_ax(ax)
    _draw_history(ax, curves, metric, validation=validation, smooth=smooth)
    ax.set_title(title if title is not None else f"{'Training and validation' if validation else 'Training'} {metric}")
    return ax


def plot_training_curves(history, *, metrics=("loss", "accuracy"), axes=None):
    """Plots several metrics side by side, training and validation: the view that shows overfitting.

    Each panel shows the training curve and, when the history has it, the validation curve of
    one metric.

    Args:
        history: a ``keras.callbacks.History``, its ``.history`` dict or a pandas DataFrame.
        metrics: the training metrics' names, one panel each (a single str is one panel).
        axes: Axes to draw on, at least one per metric; None creates a figure with one row.

    Returns:
        The flat array of Axes, one per metric in order.

    Raises:
        TypeError: ``history``, ``metrics`` or ``axes`` has the wrong type.
        ValueError: a metric is not in the history (the message lists the available ones),
            ``metrics`` is empty, or ``axes`` holds too few Axes.

    Example:
        >>> plot_training_curves(history, metrics=("loss", "mae"))  # doctest: +SKIP
    """
    curves = history_dict(history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, Sequence) or not metrics or not all(isinstance(m, str) for m in metrics):
        raise TypeError(
            f"metrics must be a non-empty sequence of metric names such as ('loss', 'accuracy'); "
            f"received metrics={metrics!r}"
        )
    for metric in metrics:
        check_metric(curves, metric)
    axes = grid_axes(check_axes(axes, len(metrics)), len(metrics), len(metrics), panel_size=4.0)
    for ax, metric in zip(axes, metrics):
        _draw_history(ax, curves, metric, validation=f"val_{metric}" in curves, smooth=None)
        ax.set_title(metric)
    return axes


def plot_histories(histories, metric="val_loss", *, ax=None, title=None):
    """Compares one metric across several runs on one Axes (network sizes, regularizers, ...).

    Args:
        histories: a dict mapping each run's name (the legend label) to its ``History``,
            ``.history`` dict or DataFrame.
        metric: the metric to compare, such as ``"val_loss"``.
        ax: the Axes to draw on; None creates a figure.
        title: the title; None uses ``metric``.

    Returns:
        The Axes; ``ax.lines[i]`` is the curve of the ``i``-th run.

    Raises:
        TypeError: ``histories`` is not a dict of histories, or ``ax``/``title`` has the wrong type.
        ValueError: ``histories`` is empty or a run lacks ``metric`` (the message names the run
            and lists its metrics).

    Example:
        >>> plot_histories({"small": h_small, "original": h_orig, "big": h_big})  # doctest: +SKIP
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
        runs[str(name)] = history_dict(history, name=label)
        check_metric(runs[str(name)], metric, name=label)
    title = _check_title(title)
    ax = check_ax(ax)
    for name, curves in runs.items():
        ax.plot(_epochs(curves[metric].size), curves[metric], label=name)
    ax.set_xlabel("Epoch")
    ax.set_ylabel(metric)
    ax.set_title(title if title is not None else metric)
    ax.legend()
    return ax


def _fold_curves(histories, metric) -> list[np.ndarray]:
    """Returns one 1-D array per (repeat, fold) from any input plot_kfold_curves accepts."""
    if hasattr(getattr(histories, "history", None), "columns"):  # a CVResult: its long table
        histories = histories.history
    if hasattr(histories, "columns") and hasattr(histories, "groupby"):  # long pandas DataFrame
        missing = [c for c in _KFOLD_COLUMNS if c not in histories.columns]
        if missing:
            raise ValueError(
                f"histories must have the columns {list(_KFOLD_COLUMNS)} (CVResult.history); "
                f"missing {missing}; received columns {list(histories.columns)}"
            )
        rows = histories[histories["metric"] == metric]
        if rows.empty:
            available = ", ".join(repr(m) for m in histories["metric"].unique())
            raise ValueError(f"metric {metric!r} is not in histories; available metrics: {available}")
        return [
            group.sort_values("epoch")["value"].to_numpy(dtype=float)
            for _, group in rows.groupby(["repeat", "fold"], sort=True)
        ]
    if isinstance(histories, np.ndarray) and histories.ndim == 2:
        return [row.astype(float) for row in histories]
    if isinstance(histories, (str, bytes, Mapping)) or not isinstance(histories, Sequence) or not histories:
        raise TypeError(
            "histories must be a long DataFrame (columns repeat, fold, epoch, metric, value), a 2-D array "
            f"(folds, epochs) or a non-empty list of per-fold curves or histories; received {histories!r}"
        )
    curves = []
    for i, item in enumerate(histories):
        if hasattr(item, "history") or isinstance(item, Mapping):
            fold = history_dict(item, name=f"histories[{i}]")
            curves.append(fold[check_metric(fold, metric, name=f"histories[{i}]")])
            continue
        array = np.asarray(item)
        if array.ndim != 1 or array.size == 0 or array.dtype.kind not in "biuf":
            raise ValueError(
                f"histories[{i}] must be a non-empty 1-D sequence of numbers (one per epoch); received {item!r}"
            )
        curves.append(array.astype(float))
    return curves


def plot_kfold_curves(histories, metric="val_mae", *, smooth=0.9, ax=None, skip=0):
    """Plots each fold's per-epoch validation curve (thin) and their mean over folds (thick).

    The mean at each epoch is over the folds that reached it (folds may stop early). The first
    ``skip`` epochs are dropped, then each curve is smoothed with an exponential moving average
    (``s[t] = smooth * s[t-1] + (1 - smooth) * v[t]``, :func:`dlcourse.evaluation.smooth_curve`),
    as in the K-fold example of the course.

    Args:
        histories: the folds' curves: a ``CVResult`` or its long DataFrame ``.history``
            (columns ``repeat``, ``fold``, ``epoch``, ``metric``, ``value``; one curve per
            repeat and fold), a 2-D array ``(folds, epochs)``, or a list with one entry per fold
            (a 1-D sequence of values, or a ``History``/``.history`` dict holding ``metric``).
        metric: the metric to plot (used to select rows or keys, and as the y label).
        smooth: the moving-average factor in ``[0, 1)``; None or 0 disables smoothing.
        ax: the Axes to draw on; None creates a figure.
        skip: the number of first epochs to drop (they often dwarf the rest).

    Returns:
        The Axes; one thin line per fold, then the mean line last (``ax.lines[-1]``).

    Raises:
        TypeError: ``histories`` or ``ax`` has the wrong type.
        ValueError: missing columns, ``metric`` not found (the message lists the available
            ones), ``smooth`` out of range, or ``skip`` not below the number of epochs.

    Example:
        >>> result = iterated_kfold(build_model, x, y, k=4)  # doctest: +SKIP
        >>> plot_kfold_curves(result, "val_mae", skip=10)  # doctest: +SKIP
    """
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a str such as 'val_mae'; received metric={metric!r}")
    curves = _fold_curves(histories, metric)
    smooth = check_smooth(smooth)
    skip = check_int("skip", skip, minimum=0)
    longest = max(c.size for c in curves)
    if skip >= longest:
        raise ValueError(f"skip must be < the number of epochs ({longest}); received skip={skip}")
    ax = check_ax(ax)
    padded = np.full((len(curves), longest), np.nan)
    for row, curve in zip(padded, curves):
        row[: curve.size] = curve
    mean = np.nanmean(padded, axis=0)
    for i, curve in enumerate(curves):
        if curve.size > skip:
            label = "folds" if i == 0 else "_nolegend_"
            ax.plot(_epochs(curve.size, skip), ema(curve[skip:], smooth), color="C0", lw=0.8, alpha=0.5, label=label)
    mean_label = f"mean of {len(curves)} folds"
    ax.plot(_epochs(longest, skip), ema(mean[skip:], smooth), color="C1", lw=2.5, label=mean_label)
    ax.set_xlabel("Epoch")
    ax.set_ylabel(metric + (" (smoothed)" if smooth else ""))
    ax.legend()
    return ax
