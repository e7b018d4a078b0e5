"""Hyperparameter tuning with keras-tuner over the course's builders, optionally cross-validated.

* :class:`DenseHyperModel`, :class:`ConvnetHyperModel`: ``build(hp)`` samples the search space
  and calls :func:`dlcourse.build_dense` / :func:`dlcourse.build_convnet` and
  :func:`dlcourse.compile_model`.
* :class:`CVTuner`: a keras-tuner tuner (any oracle) that scores each trial by the mean of a
  K-fold cross-validation, with a fingerprinted project folder that resumes safely.
* :func:`cross_validated_search`: the one-call version, returning the trials as a DataFrame.
* :func:`trials_dataframe`: the trials of any keras-tuner tuner as a DataFrame, best first.
"""

from dlcourse.tuning.cv_tuner import FINGERPRINT_FILE, CVTuner
from dlcourse.tuning.hypermodels import ConvnetHyperModel, DenseHyperModel
from dlcourse.tuning.search import TUNERS, cross_validated_search, trials_dataframe

__all__ = [
    "CVTuner",
    "ConvnetHyperModel",
    "DenseHyperModel",
    "FINGERPRINT_FILE",
    "TUNERS",
    "cross_validated_search",
    "trials_dataframe",
]
