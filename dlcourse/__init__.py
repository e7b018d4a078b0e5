"""dlcourse: the helper package of the dlcourse deep-learning course.

One import gives a student the course's tools::

    import dlcourse
    model = dlcourse.build_dense((10000,), "binary", units=(16, 16))
    dlcourse.compile_model(model, "binary")

* settings: :func:`quick_mode`, :func:`pick`, :func:`set_seed`, :func:`setup`, :func:`build_dir`
* builders (uncompiled functional Keras models): :func:`build_dense`, :func:`build_convnet`,
  :func:`build_transfer_model`, :func:`pretrained_base`, the classic architectures
  (:func:`lenet5`, :func:`alexnet`, :func:`vgg16`, :func:`inception_module`,
  :func:`residual_block`, ...), and :func:`compile_model` with the task table :data:`TASKS`
* evaluation and tuning: :func:`holdout_split`, :func:`cross_validate`, :func:`iterated_kfold`,
  :func:`smooth_curve`, :class:`DenseHyperModel`, :func:`cross_validated_search`
* data: :mod:`dlcourse.data` (loaders over the Keras cache; :func:`dlcourse.data.fetch`)
* NumPy reference ops (:mod:`dlcourse.ops`) and plots (:mod:`dlcourse.plots`)

Importing the package downloads nothing and writes no files of its own.
"""

from dlcourse import data, ops, plots
from dlcourse.config import build_dir, mode_name, pick, quick_mode, set_seed
from dlcourse.environment import setup
from dlcourse.errors import DataUnavailableError
from dlcourse.evaluation import CVResult, cross_validate, holdout_split, iterated_kfold, smooth_curve
from dlcourse.heads import TASKS, compile_model, output_layer, output_units, task_head
from dlcourse.layers import augmentation_block, weight_constraint, weight_regularizer
from dlcourse.models import (
    alexnet,
    build_convnet,
    build_dense,
    build_transfer_model,
    extract_features,
    inception_module,
    lenet5,
    preprocess_input_for,
    pretrained_base,
    residual_block,
    set_trainable_layers,
    small_inception,
    small_resnet,
    small_vgg,
    vgg16,
    vgg_block,
)
from dlcourse.results import record_result
from dlcourse.tuning import ConvnetHyperModel, CVTuner, DenseHyperModel, cross_validated_search, trials_dataframe

__version__ = "0.1.0"

__all__ = [
    "CVResult",
    "CVTuner",
    "ConvnetHyperModel",
    "DataUnavailableError",
    "DenseHyperModel",
    "TASKS",
    "alexnet",
    "augmentation_block",
    "build_convnet",
    "build_dense",
    "build_dir",
    "build_transfer_model",
    "compile_model",
    "cross_validate",
    "cross_validated_search",
    "data",
    "extract_features",
    "holdout_split",
    "inception_module",
    "iterated_kfold",
    "lenet5",
    "mode_name",
    "ops",
    "output_layer",
    "output_units",
    "pick",
    "plots",
    "preprocess_input_for",
    "pretrained_base",
    "quick_mode",
    "record_result",
    "residual_block",
    "set_seed",
    "set_trainable_layers",
    "setup",
    "small_inception",
    "small_resnet",
    "small_vgg",
    "smooth_curve",
    "task_head",
    "trials_dataframe",
    "vgg16",
    "vgg_block",
    "weight_constraint",
    "weight_regularizer",
]
