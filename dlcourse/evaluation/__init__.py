"""Evaluation helpers: hold-out splits, K-fold and iterated K-fold validation, learning-curve smoothing.

* :func:`holdout_split`: one training/validation split (scikit-learn's ``train_test_split``).
* :func:`cross_validate`: K-fold validation, a fresh model per fold, returning a :class:`CVResult`.
* :func:`iterated_kfold`: K-fold repeated with reshuffling (``RepeatedKFold``).
* :class:`CVResult`: per-fold scores and per-epoch histories as pandas tables, with
  ``summary()``, ``mean_curve()`` and ``best_epoch()``.
* :func:`smooth_curve`: the exponential moving average used to read noisy learning curves.
"""

from dlcourse.evaluation.crossval import cross_validate, iterated_kfold
from dlcourse.evaluation.result import CVResult, smooth_curve
from dlcourse.evaluation.splits import holdout_split

__all__ = ["CVResult", "cross_validate", "holdout_split", "iterated_kfold", "smooth_curve"]
