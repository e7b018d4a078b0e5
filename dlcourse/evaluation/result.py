"""The result of a cross-validation run, and exponential smoothing of learning curves."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dlcourse.validation import as_numeric_array, check_choice, check_rate, describe

__all__ = ["CVResult", "smooth_curve"]

_SCORE_ID_COLUMNS = ("repeat", "fold", "train_size", "val_size", "epochs")  # describe a fit, do not score it

_MAX_HINTS = ("acc", "auc", "precision", "recall", "f1", "iou", "true_positives", "true_negatives")
_MIN_HINTS = ("loss", "error", "mae", "mse", "mape", "msle", "crossentropy", "hinge", "false_")


def _metric_direction(metric: str) -> str:
    """Returns ``"min"`` or ``"max"``, whether lower or higher values of ``metric`` are better."""
    name = metric.lower()
    if any(hint in name for hint in _MIN_HINTS):
        return "min"
    if any(hint in name for hint in _MAX_HINTS):
        return "max"
    raise ValueError(f"cannot tell whether lower or higher {metric!r} is better; pass mode='min' or mode='max'")


def smooth_curve(values, factor=0.9):
    """Smooths a curve with a bias-corrected exponential moving average.

    ``pandas.Series.ewm(alpha=1 - factor, adjust=True)``: point ``t`` averages the values up to
    ``t`` weighted by ``factor ** age``, so the first points are not pulled towards the first
    value. ``factor=0`` returns the values unchanged; the closer to 1, the smoother.

    Args:
        values: a 1-D list, NumPy array or pandas Series of numbers.
        factor: the weight of the past, a float in ``[0, 1)``.

    Returns:
        A pandas Series with the same index and name when ``values`` is one, else a float array.

    Raises:
        TypeError: if ``values`` is not a sequence of numbers or ``factor`` not a number.
        ValueError: if ``values`` is not 1-D or empty, or ``factor`` is outside ``[0, 1)``.

    Example:
        >>> from dlcourse.evaluation.result import smooth_curve
        >>> smooth_curve([1.0, 2.0, 3.0], factor=0.5).round(4).tolist()
        [1.0, 1.6667, 2.4286]
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, np.ndarray, pd.Series)):
        raise TypeError(f"values must be a 1-D sequence of numbers; received values={describe(values)}")
    array = as_numeric_array("values", values)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence; received an array of shape {array.shape}")
    factor = check_rate("factor", factor)
    if isinstance(values, pd.Series):
        return _ewm(pd.Series(array, index=values.index, name=values.name), factor)
    return _ewm(pd.Series(array), factor).to_numpy()


def _ewm(series: pd.Series, factor: float) -> pd.Series:
    return series.astype(float).ewm(alpha=1.0 - factor, adjust=True).mean()


@dataclass
class CVResult:
    """What a (possibly repeated) K-fold run measured, as tables ready to display and plot.

    Attributes:
        scores: one row per fit: ``repeat`` and ``fold`` (from 0), ``train_size``, ``val_size``,
            ``epochs`` (trained), then ``val_<metric>`` for every metric (``val_loss`` first) as
            ``model.evaluate`` measured it on the validation fold after training.
        history: the per-epoch values of every fit as a long table with the columns ``repeat``,
            ``fold``, ``epoch`` (from 1), ``metric`` (as Keras names it) and ``value``.
        val_indices: the indices of the validation samples of each fit, aligned with ``scores``.
        k: the number of folds per repeat.
        repeats: the number of repeats (1 for plain K-fold).

    Example:

    A result built by hand, two folds of three epochs:

    >>> import pandas as pd
    >>> history = pd.DataFrame({"repeat": 0, "fold": [0, 0, 0, 1, 1, 1], "epoch": [1, 2, 3] * 2,
    ...                         "metric": "val_mae", "value": [4.0, 2.0, 3.0, 2.0, 1.0, 2.0]})
    >>> scores = pd.DataFrame({"repeat": 0, "fold": [0, 1], "val_mae": [3.0, 2.0]})
    >>> result = CVResult(scores=scores, history=history, val_indices=[], k=2)
    >>> result.mean_curve("val_mae").tolist()
    [3.0, 1.5, 2.5]
    >>> result.best_epoch("val_mae")
    2
    """

    scores: pd.DataFrame
    history: pd.DataFrame
    val_indices: list = field(repr=False)
    k: int
    repeats: int = 1

    def __repr__(self) -> str:
        return f"CVResult(k={self.k}, repeats={self.repeats}, fits={len(self.scores)}, metrics={self.metrics})"

    @property
    def metrics(self) -> list:
        """The names of the per-epoch metrics in :attr:`history`, in the order Keras reports them."""
        return list(pd.unique(self.history["metric"]))

    @property
    def score_names(self) -> list:
        """The score columns of :attr:`scores` (``val_loss``, ``val_mae``, ...)."""
        return [c for c in self.scores.columns if c not in _SCORE_ID_COLUMNS]

    def _check_metric(self, metric) -> str:
        if not isinstance(metric, str):
            raise TypeError(f"metric must be a str such as 'val_loss'; received metric={describe(metric)}")
        if metric not in self.metrics:
            known = ", ".join(repr(m) for m in self.metrics)
            raise ValueError(f"metric must be one of {known}; received metric={metric!r}")
        return metric

    def curves(self, metric) -> pd.DataFrame:
        """Returns ``metric`` per epoch (rows) and fit (``(repeat, fold)`` columns; NaN after an early stop)."""
        metric = self._check_metric(metric)
        rows = self.history[self.history["metric"] == metric]
        return rows.pivot_table(index="epoch", columns=["repeat", "fold"], values="value", aggfunc="first")

    def mean_curve(self, metric, *, smooth=None) -> pd.Series:
        """Returns the mean over all fits of ``metric`` at each epoch.

        Args:
            metric: a per-epoch metric as Keras names it, such as ``"val_mae"``.
            smooth: ``None``, or a factor in ``[0, 1)`` for :func:`smooth_curve`.

        Returns:
            A pandas Series indexed by ``epoch`` (from 1) and named after the metric; each epoch
            averages the fits that reached it.

        Raises:
            TypeError: if ``metric`` is not a str.
            ValueError: if ``metric`` is not in :attr:`history`, or ``smooth`` is out of range.
        """
        metric = self._check_metric(metric)
        if smooth is not None:
            smooth = check_rate("smooth", smooth)
        rows = self.history[self.history["metric"] == metric]
        curve = rows.groupby("epoch")["value"].mean().rename(metric)
        return curve if smooth is None else _ewm(curve, smooth)

    def summary(self) -> pd.DataFrame:
        """Returns the mean, standard deviation, min and max of each score over the fits.

        ``std`` is over all fits (``ddof=1``). With repeats, ``repeat_std`` is the standard
        deviation of the per-repeat means: how much the K-fold estimate moves between shuffles.

        Returns:
            A DataFrame indexed by score name (``val_loss``, ``val_mae``, ...).
        """
        names = self.score_names
        table = self.scores[names].agg(["mean", "std", "min", "max"]).T
        if self.repeats > 1:
            table["repeat_std"] = self.scores.groupby("repeat")[names].mean().std()
        table.index.name = "score"
        return table

    def best_epoch(self, metric="val_loss", *, smooth=None, mode="auto") -> int:
        """Returns the epoch (from 1) at which the mean curve of ``metric`` is best.

        Args:
            metric: a per-epoch metric, ``"val_loss"`` by default.
            smooth: ``None``, or a factor in ``[0, 1)``: use the smoothed mean curve.
            mode: ``"min"``, ``"max"``, or ``"auto"`` to infer it from the name.

        Raises:
            TypeError: if ``metric`` is not a str.
            ValueError: if ``metric`` is unknown, ``smooth`` is out of range, or ``mode`` is not
                one of the three (or ``"auto"`` cannot tell from the name).
        """
        check_choice("mode", mode, ("auto", "min", "max"))
        curve = self.mean_curve(metric, smooth=smooth)
        if mode == "auto":
            mode = _metric_direction(metric)
        best = curve.idxmin() if mode == "min" else curve.idxmax()
        return int(best)
