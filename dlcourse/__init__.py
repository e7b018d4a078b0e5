"""dlcourse: the helper package of the dlcourse deep-learning course.

One import gives a student the course's tools::

    import dlcourse
    model = dlcourse.build_dense((10000,), "binary", units=(16, 16))
    dlcourse.compile_model(model, "binary")

Every public name lives in exactly one module, which lists it in its ``__all__``. The top level
is generated from the ``__all__`` of the modules in :data:`_NAMESPACE` (what a student uses in a
notebook), and three sub-packages are reached by name: :mod:`dlcourse.data` (loaders over the
Keras cache), :mod:`dlcourse.plots` (plot helpers) and :mod:`dlcourse.ops` (NumPy reference ops).

Importing the package downloads nothing, writes no files and does not import TensorFlow: a
module is imported on first use of one of its names.
"""

import ast as _ast
from importlib import import_module as _import_module
from pathlib import Path as _Path

# The modules whose public names (their ``__all__``) make up the top level, lowest layer first.
_NAMESPACE = (
    "config",
    "environment",
    "errors",
    "precision",
    "tasks",
    "models.regularization",
    "models.dense",
    "models.convnet",
    "models.blocks",
    "models.architectures",
    "models.pretrained",
    "models.transfer",
    "initialization",
    "training",
    "timing",
    "evaluation.splits",
    "evaluation.crossval",
    "evaluation.result",
    "leakage",
    "tuning.hypermodels",
    "tuning.cv_tuner",
    "tuning.search",
    "results",
)
_SUBPACKAGES = ("data", "ops", "plots")


def _declared_names(module: str) -> list:
    # Read the module's ``__all__`` from its source, so that listing the names imports nothing.
    path = _Path(__file__).parent.joinpath(*module.split(".")).with_suffix(".py")
    for node in _ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, _ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return list(_ast.literal_eval(node.value))
    return []


_HOME = {name: module for module in _NAMESPACE for name in _declared_names(module)}

__version__ = "0.1.0"
__all__ = sorted([*_HOME, *_SUBPACKAGES])


def __getattr__(name):
    if name in _SUBPACKAGES:
        return _import_module(f"dlcourse.{name}")
    if name in _HOME:
        value = getattr(_import_module(f"dlcourse.{_HOME[name]}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'dlcourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(__all__) | {"__version__"})
