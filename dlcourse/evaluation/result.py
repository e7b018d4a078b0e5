"""The result of a cross-validation run, and exponential smoothing of learning curves."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dlcourse.validation import as_numeric_array, check_choice, check_rate, describe

__all__ = ["CVResult", "smooth_curve"]

SCORE_ID_COLUMNS = ("repeat", "fold", "train_size", "val_size", "epochs")
"""Columns of :attr:`CVResult.scores` that describe a fit rather than score it."""

HISTORY_COLUMNS = ("repeat", "fold", "epoch", "metric", "value")
"""Columns of :attr:`CVResult.history`, the long (tidy) table of per-epoch values."""

_MAX_HINTS = ("acc", "auc", "precision", "recall", "f1", "iou", "true_positives", "true_negatives")
_MIN_HINTS = ("loss", "error", "mae", "mse", "mape", "msle", "crossentropy", "hinge", "false_")


def metric_direction(metric: str) -> str:
    """Returns ``"min"`` or ``"max"``, whether lower or higher values of ``metric`` are better.

    Raises:
        ValueError: if the name gives no hint (pass ``mode=`` explicitly then).
    """
    name = metric.lower()
    if any(hint in name for hint in _MIN_HINTS):
        return "min"
    if any(hint in name for hint in _MAX_HINTS):
        return "max"
    raise ValueError(
        f"cannot tell whether lower or higher {metric!r} is better; pass mode='min' or mode='max'"
    )


def smooth_curve(values, factor=0.9):
    """Smooths a curve with a bias-corrected exponential moving average.

    Point ``t`` is the average of the values up to ``t`` weighted by ``factor ** age``
    (``pandas.Series.ewm(alpha=1 - factor, adjust=True)``), so the first points are not pulled
    towards the first value and a short run's last point stays near its last values.
    ``factor=0`` returns the values unchanged; the closer to 1, the smoother (and the later).

    Args:
        values: a 1-D sequence of numbers (float16 and bfloat16 included): a list, a NumPy
            array or a pandas Series.
        factor: the weight of the past, a float in ``[0, 1)``.

    Returns:
        The smoothed curve, a pandas Series with the same index and name when ``values`` is a
        Series (so ``smooth_curve(result.mean_curve("val_mae")).plot()`` works), otherwise a
        float NumPy array of the same length.

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
        scores: one row per fit, in the order the fits ran: ``repeat`` and ``fold`` (from 0),
            ``train_size`` and ``val_size`` (numbers of samples), ``epochs`` (epochs trained),
            then ``val_<metric>`` for every metric of the model (``val_loss`` first) measured by
            ``model.evaluate`` on the validation fold after training.
        history: the per-epoch values of every fit as a long table with the columns ``repeat``,
            ``fold``, ``epoch`` (from 1), ``metric`` (named as Keras reports them: ``loss``,
            ``mae``, ``val_loss``, ``val_mae``, ...) and ``value``.
        val_indices: the indices of the validation samples of each fit, aligned with the rows
            of ``scores``; in plain K-fold every sample is validated exactly once per repeat.
        k: the number of folds per repeat.
        repeats: the number of repeats (1 for plain K-fold).

    Example:

    A result is what :func:`dlcourse.cross_validate` returns; here one built by hand, two folds of
    three epochs:

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
        fits = len(self.scores)
        return f"CVResult(k={self.k}, repeats={self.repeats}, fits={fits}, metrics={self.metrics})"

    @property
    def metrics(self) -> list:
        """The names of the per-epoch metrics in :attr:`history`, in the order Keras reports them."""
        return list(pd.unique(self.history["metric"]))

    @property
    def score_names(self) -> list:
        """The score columns of :attr:`scores` (``val_loss``, ``val_mae``, ...)."""
        return [c for c in self.scores.columns if c not in SCORE_ID_COLUMNS]

    def _check_metric(self, metric) -> str:
        if not isinstance(metric, str):
            raise TypeError(f"metric must be a str such as 'val_loss'; received metric={describe(metric)}")
        if metric not in self.metrics:
            known = ", ".join(repr(m) for m in self.metrics)
            raise ValueError(f"metric must be one of {known}; received metric={metric!r}")
        return metric

    def curves(self, metric) -> pd.DataFrame:
        """Returns the per-epoch values of ``metric`` as a wide table: one row per epoch, one column per fit.

        The columns are ``(repeat, fold)`` pairs; a fit stopped early leaves NaN in later epochs.
        """
        metric = self._check_metric(metric)
        rows = self.history[self.history["metric"] == metric]
        return rows.pivot_table(index="epoch", columns=["repeat", "fold"], values="value", aggfunc="first")

    def mean_curve(self, metric, *, smooth=None) -> pd.Series:
        """Returns the mean over all fits of ``metric`` at each epoch.

        Args:
            metric: a per-epoch metric as Keras names it, such as ``"val_mae"`` or ``"loss"``.
            smooth: ``None``, or a factor in ``[0, 1)`` to pass the mean curve through
                :func:`smooth_curve` (bias-corrected exponential moving average).

        Returns:
            A pandas Series indexed by ``epoch`` (from 1) and named after the metric, so
            ``result.mean_curve("val_mae").plot()`` draws it with labelled axes.
            ``.to_numpy()`` gives the NumPy array. Fits stopped early are averaged over the
            fits that reached each epoch.

        Raises:
            TypeError: if ``metric`` is not a str.
            ValueError: if ``metric`` is not in :attr:`history`, or ``smooth`` is out of range.

        Example:

        >>> import pandas as pd
        >>> from dlcourse.evaluation.result import CVResult
        >>> history = pd.DataFrame({"repeat": 0, "fold": [0, 0, 1, 1], "epoch": [1, 2, 1, 2],
        ...                         "metric": "val_mae", "value": [4.0, 2.0, 6.0, 4.0]})
        >>> result = CVResult(pd.DataFrame({"repeat": [0, 0], "fold": [0, 1]}), history, val_indices=[], k=2)
        >>> result.mean_curve("val_mae").tolist()
        [5.0, 3.0]
        >>> result.mean_curve("val_mae", smooth=0.5).round(3).tolist()
        [5.0, 3.667]
        """
        metric = self._check_metric(metric)
        if smooth is not None:
            smooth = check_rate("smooth", smooth)
        rows = self.history[self.history["metric"] == metric]
        curve = rows.groupby("epoch")["value"].mean().rename(metric)
        return curve if smooth is None else _ewm(curve, smooth)

    def summary(self) -> pd.DataFrame:
        """Returns the mean, standard deviation, min and max of each score over the fits.

        The standard deviation is the sample one (``ddof=1``) over all fits. With repeats (see
        :func:`iterated_kfold`), the column ``repeat_std`` adds the standard deviation of the
        per-repeat means: how much the K-fold estimate itself moves from one shuffle to the next.

        Returns:
            A DataFrame indexed by score name (``val_loss``, ``val_mae``, ...).

        Example:

        >>> import pandas as pd
        >>> scores = pd.DataFrame({"repeat": [0, 0, 1, 1], "fold": [0, 1, 0, 1], "val_mae": [3.0, 2.0, 1.0, 1.0]})
        >>> result = CVResult(scores=scores, history=pd.DataFrame(), val_indices=[], k=2, repeats=2)
        >>> result.summary().loc["val_mae", ["mean", "repeat_std"]].round(3).tolist()
        [1.75, 1.061]
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
            smooth: ``None``, or a factor in ``[0, 1)``: find the best epoch of the smoothed mean
                curve, which is less fooled by one lucky epoch of a noisy curve.
            mode: ``"min"``, ``"max"``, or ``"auto"`` to infer it from the name (losses and
                errors are minimised, accuracies and AUCs maximised).

        Returns:
            The epoch number, an int.

        Raises:
            TypeError: if ``metric`` is not a str.
            ValueError: if ``metric`` is unknown, ``smooth`` is out of range, or ``mode`` is not
                one of the three (or ``"auto"`` cannot tell from the name).

        Example:

        >>> import pandas as pd
        >>> from dlcourse.evaluation.result import CVResult
        >>> history = pd.DataFrame({"repeat": 0, "fold": 0, "epoch": [1, 2, 3], "metric": "val_mae",
        ...                         "value": [5.0, 1.0, 5.0]})
        >>> result = CVResult(pd.DataFrame({"repeat": [0], "fold": [0]}), history, val_indices=[], k=2)
        >>> result.best_epoch("val_mae", smooth=0.5)
        2
        """
        check_choice("mode", mode, ("auto", "min", "max"))
        curve = self.mean_curve(metric, smooth=smooth)
        if mode == "auto":
            mode = metric_direction(metric)
        best = curve.idxmin() if mode == "min" else curve.idxmax()
        return int(best)
