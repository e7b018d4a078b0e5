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
  :func:`smooth_curve`, :class:`DenseHyperModel`, :func:`cross_validated_search`; the leakage
  demonstrations (:func:`find_duplicates`, :func:`sort_by_class`, ...)
* training faster: :func:`train` (the package's recipe), :func:`as_dataset`,
  :func:`recommended_policy` (mixed precision where the hardware has it)
* data: :mod:`dlcourse.data` (loaders over the Keras cache; :func:`dlcourse.data.fetch`)
* NumPy reference ops (:mod:`dlcourse.ops`) and plots (:mod:`dlcourse.plots`)

Importing the package downloads nothing and writes no files of its own.
"""

import importlib

# Public name -> the submodule that defines it. The submodules (and with them TensorFlow) are
# imported on first use, so `import dlcourse` and `python -m dlcourse --help` stay fast.
_EXPORTS = {
    "config": ["build_dir", "mode_name", "pick", "quick_mode", "set_seed"],
    "environment": ["setup"],
    "errors": ["DataUnavailableError"],
    "evaluation": ["CVResult", "cross_validate", "holdout_split", "iterated_kfold", "smooth_curve"],
    "initialization": ["StackVariances", "initialization_table", "table_initializer", "variance_through_stack"],
    "leakage": ["add_duplicates", "drop_duplicates", "find_duplicates", "sliding_windows", "sort_by_class"],
    "precision": ["POLICIES", "recommended_policy"],
    "timing": ["epoch_timer"],
    "training": ["as_dataset", "train", "warmup_cosine"],
    "heads": ["TASKS", "compile_model", "output_layer", "output_units", "task_head"],
    "layers": ["augmentation_block", "weight_constraint", "weight_regularizer"],
    "models": [
        "alexnet", "build_convnet", "build_dense", "build_transfer_model", "extract_features",
        "inception_module", "lenet5", "preprocess_input_for", "pretrained_base", "residual_block",
        "set_trainable_layers", "small_inception", "small_resnet", "small_vgg", "vgg16", "vgg_block",
    ],
    "results": ["record_result"],
    "tuning": ["CVTuner", "ConvnetHyperModel", "DenseHyperModel", "cross_validated_search", "trials_dataframe"],
}
_SUBMODULES = ("data", "ops", "plots")
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"dlcourse.{name}")
    if name in _WHERE:
        value = getattr(importlib.import_module(f"dlcourse.{_WHERE[name]}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'dlcourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0"

__all__ = sorted([*_WHERE, *_SUBMODULES])
