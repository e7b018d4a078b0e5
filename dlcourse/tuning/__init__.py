"""Hyperparameter tuning with keras-tuner over the course's builders, optionally cross-validated.

* :mod:`~dlcourse.tuning.hypermodels`: :class:`~dlcourse.DenseHyperModel` and
  :class:`~dlcourse.ConvnetHyperModel`, whose ``build(hp)`` samples the search space and calls
  the builders.
* :mod:`~dlcourse.tuning.cv_tuner`: :class:`~dlcourse.CVTuner`, a keras-tuner tuner that scores
  each trial by the mean of a K-fold cross-validation.
* :mod:`~dlcourse.tuning.search`: :func:`~dlcourse.cross_validated_search`, the one-call version
  that returns the tuner, and :func:`~dlcourse.trials_dataframe`, any tuner's trials as a table.
* :mod:`~dlcourse.tuning.distributed`: keras-tuner's distributed mode as local processes
  (:func:`~dlcourse.tuning.distributed.run_distributed_search`).

The names are reached from the top level (``dlcourse.cross_validated_search``).
"""
