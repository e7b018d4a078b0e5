"""Evaluating a model on data it was not trained on.

* :mod:`~dlcourse.evaluation.splits`: :func:`~dlcourse.holdout_split`, one training/validation split.
* :mod:`~dlcourse.evaluation.crossval`: :func:`~dlcourse.cross_validate` (K-fold, a fresh model
  per fold) and :func:`~dlcourse.iterated_kfold` (K-fold repeated with reshuffling).
* :mod:`~dlcourse.evaluation.result`: :class:`~dlcourse.CVResult`, the per-fold scores and
  per-epoch histories as pandas tables, and :func:`~dlcourse.smooth_curve`.

The names are reached from the top level (``dlcourse.cross_validate``).
"""
