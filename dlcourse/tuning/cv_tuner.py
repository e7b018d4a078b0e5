"""``CVTuner``: a keras-tuner tuner that scores every trial by the mean of a K-fold run.

It subclasses ``keras_tuner.Tuner`` (keras-tuner's documented way) and overrides ``run_trial``.
The project folder gets a fingerprint (``dlcourse_fingerprint.json``) of what the scores depend
on, so that a search never silently continues a folder made for another model, data or setup.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from pathlib import Path

import joblib
import keras_tuner
import numpy as np
from tqdm.auto import tqdm

from dlcourse.config import build_dir, write_atomically
from dlcourse.evaluation.crossval import cross_validate
from dlcourse.precision import clear_session
from dlcourse.validation import (
    check_bool,
    check_class_counts,
    check_int,
    check_seed,
    check_xy,
    describe,
    stratify_labels,
)

__all__ = ["CVTuner"]

_FINGERPRINT_FILE = "dlcourse_fingerprint.json"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _hash(value) -> str:
    """``joblib.hash`` of ``value``; a config holding a lambda (not picklable) is hashed by its repr."""
    try:
        return joblib.hash(value)
    except pickle.PicklingError:
        return joblib.hash(_ADDRESS.sub("", repr(value)))


def _hypermodel_key(hypermodel) -> str:
    """The hypermodel's class (or build function) and a hash of its config (or bytecode)."""
    if not isinstance(hypermodel, keras_tuner.HyperModel):  # a function build(hp)
        code = getattr(hypermodel, "__code__", None)
        name = getattr(hypermodel, "__qualname__", type(hypermodel).__qualname__)
        return f"{name} {_hash(code.co_code if code else repr(hypermodel))}"
    config = (hypermodel.get_config() if hasattr(hypermodel, "get_config")  # keras_tuner.HyperModel has none
              else {k: v for k, v in vars(hypermodel).items() if not k.startswith("_") and not callable(v)})
    return f"{type(hypermodel).__module__}.{type(hypermodel).__qualname__} {_hash(config)}"


def _check_same(project_dir, part: str, stored: dict, current: dict) -> None:
    changes = [f"{key}: {stored.get(key)} -> {current.get(key)}"
               for key in sorted(set(stored) | set(current)) if stored.get(key) != current.get(key)]
    if changes:
        raise ValueError(
            f"the project folder {project_dir} holds a search made with a different {part} ({'; '.join(changes)}); "
            "its trials would not be comparable. Pass overwrite=True to start afresh, or a new project_name to keep both"
        )


def _check_project(directory, project_name) -> Path:
    if directory is not None and not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be None or a path; received directory={describe(directory)}")
    if not isinstance(project_name, str):
        raise TypeError(f"project_name must be a str; received project_name={describe(project_name)}")
    if not project_name or project_name in (".", "..") or "/" in project_name or os.sep in project_name:
        raise ValueError(
            f"project_name must be a plain folder name such as 'cv_search'; received project_name={project_name!r}"
        )
    return build_dir("tuner") if directory is None else Path(directory)


def _check_strategy(distribution_strategy) -> None:
    if distribution_strategy is None:
        return
    import tensorflow as tf

    if not isinstance(distribution_strategy, tf.distribute.Strategy):
        raise TypeError(
            "distribution_strategy must be None or a tf.distribute.Strategy such as tf.distribute.MirroredStrategy(); "
            f"received distribution_strategy={describe(distribution_strategy)}"
        )


class CVTuner(keras_tuner.Tuner):
    """A keras-tuner tuner whose trials are scored by the mean of a K-fold cross-validation.

    Each trial cross-validates ``hypermodel.build(trial.hyperparameters)`` with
    :func:`dlcourse.cross_validate` and reports to the oracle the mean of the objective over the
    folds (``<objective>``, which the oracle ranks by, and ``<objective>_mean``), its standard
    deviation (``<objective>_std``, ``ddof=1``), each fold's value (``<objective>_fold_<i>``)
    and the mean of every other validation score. With Hyperband each trial trains from scratch
    for its ``tuner/epochs``. No trained model is kept: build the best with
    ``tuner.hypermodel.build(tuner.get_best_hyperparameters()[0])``.

    The fingerprint holds a ``joblib.hash`` of the hypermodel's config, the oracle's class, the
    objective, ``k``, ``stratified``, ``seed``, and (from :meth:`search`) the data's shapes and
    hashes, ``epochs`` and ``batch_size``. Another fingerprint raises ``ValueError``; the same
    one resumes the search.

    Args:
        oracle: a ``keras_tuner.Oracle`` such as ``keras_tuner.oracles.RandomSearchOracle(...)``.
        hypermodel: a ``keras_tuner.HyperModel`` (such as :class:`DenseHyperModel`) or a function
            ``build(hp)`` returning a compiled model.
        k: the number of folds, >= 2.
        stratified: stratified folds (class labels or one-hot targets).
        seed: a non-negative int: the folds' shuffle and the models' seeds, the same every trial.
        directory: the folder of the project folders (``None``: ``dlcourse.build_dir("tuner")``).
        project_name: the project folder's name.
        overwrite: delete the project folder first instead of resuming it.
        distribution_strategy: ``None``, or a ``tf.distribute.Strategy`` in whose scope each
            fold's model is built (not part of the fingerprint: it changes no number).

    Raises:
        TypeError, ValueError: for a bad argument, or a project folder that holds another search.

    Example:

    >>> import dlcourse, keras_tuner, numpy as np, tempfile
    >>> x = np.random.default_rng(0).normal(size=(12, 3)).astype("float32")
    >>> oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_loss", max_trials=1, seed=1)
    >>> hypermodel = dlcourse.DenseHyperModel((3,), "regression", num_layers=1, units=(2, 4))
    >>> tuner = dlcourse.CVTuner(oracle, hypermodel, k=2, directory=tempfile.mkdtemp())
    >>> tuner.search(x, x.sum(axis=1), epochs=1, verbose=0)
    >>> len(dlcourse.trials_dataframe(tuner))
    1
    """

    def __init__(self, oracle, hypermodel, *, k=3, stratified=False, seed=0, directory=None,
                 project_name="cv_search", overwrite=False, distribution_strategy=None):
        if not isinstance(oracle, keras_tuner.Oracle):
            raise TypeError(
                "oracle must be a keras_tuner.Oracle such as keras_tuner.oracles.RandomSearchOracle(...); "
                f"received oracle={describe(oracle)}"
            )
        if not (isinstance(hypermodel, keras_tuner.HyperModel) or callable(hypermodel)):
            raise TypeError(
                "hypermodel must be a keras_tuner.HyperModel or a function build(hp) returning a compiled model; "
                f"received hypermodel={describe(hypermodel)}"
            )
        k = check_int("k", k, minimum=2)
        check_bool("stratified", stratified)
        seed = check_seed(seed)
        check_bool("overwrite", overwrite)
        _check_strategy(distribution_strategy)
        directory = _check_project(directory, project_name)
        project_dir = directory / project_name
        setup = {"hypermodel": _hypermodel_key(hypermodel), "oracle": type(oracle).__qualname__,
                 "objective": str(oracle.objective), "k": k, "stratified": stratified, "seed": seed}
        stored = {}
        if not overwrite and project_dir.is_dir() and any(project_dir.iterdir()):
            path = project_dir / _FINGERPRINT_FILE
            if not path.is_file():
                raise ValueError(
                    f"the project folder {project_dir} holds files but no dlcourse fingerprint (a search made by "
                    "another tuner or by hand), so it cannot be checked. Pass overwrite=True to start afresh, or a new "
                    "project_name to keep both"
                )
            stored = json.loads(path.read_text())
            _check_same(project_dir, "setup", stored["setup"], setup)
        super().__init__(oracle, hypermodel, directory=str(directory), project_name=project_name,
                         overwrite=overwrite, distribution_strategy=distribution_strategy)
        self.k, self.stratified, self.seed = k, stratified, seed
        self._fingerprint = {"setup": setup, "data": stored.get("data")}
        self._write_fingerprint()
        self._progress = None

    def _write_fingerprint(self):
        # A unique temporary file per write: the processes of a distributed search share the folder.
        text = json.dumps(self._fingerprint, indent=2, sort_keys=True)
        write_atomically(Path(self.project_dir) / _FINGERPRINT_FILE, text)

    def search(self, x, y, *, epochs=10, batch_size=32, verbose=1, **fit_kwargs):
        """Runs the search: one K-fold cross-validation per trial, until the oracle stops.

        Args:
            x: the inputs, a NumPy array with samples on the first axis.
            y: the targets, with as many samples as ``x``.
            epochs: the epochs of each fold's fit (with Hyperband, each trial's ``tuner/epochs``).
            batch_size: the batch size.
            verbose: 0 (a line when resuming), 1 (a progress bar over the trials) or 2 (also
                keras-tuner's trial tables and the folds' progress).
            **fit_kwargs: further ``model.fit`` arguments, such as ``callbacks``.

        Raises:
            TypeError, ValueError: for a bad argument, or a folder whose search ran on other data,
                epochs or batch size.
        """
        x, y = check_xy(x, y)
        if self.k > len(x):
            raise ValueError(f"k must be <= the number of samples ({len(x)}); received k={self.k}")
        if self.stratified:
            labels = stratify_labels(y, argument="stratified")
            check_class_counts(labels, self.k, argument="stratified", needed_for=f"k={self.k}")
        epochs = check_int("epochs", epochs, minimum=1)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        verbose = check_int("verbose", verbose, minimum=0, maximum=2)
        data = {"x_shape": list(x.shape), "y_shape": list(y.shape), "x_digest": _hash(x), "y_digest": _hash(y),
                "epochs": epochs, "batch_size": batch_size}
        if self._fingerprint["data"] is not None:
            _check_same(self.project_dir, "data or training setup", self._fingerprint["data"], data)
        self._fingerprint["data"] = data
        self._write_fingerprint()
        trials = list(self.oracle.trials.values())
        done = sum(t.status == keras_tuner.engine.trial.TrialStatus.COMPLETED for t in trials)
        if trials:
            left = self.oracle.remaining_trials()
            more = "" if left is None else f", up to {max(left, 0)} new trial(s) to run (max_trials={self.oracle.max_trials})"
            print(f"Resuming the search in {self.project_dir}: {done} of {len(trials)} trial(s) completed{more}")
        self._progress = tqdm(total=self.oracle.max_trials, initial=done, unit="trial", desc="search",
                              disable=verbose == 0)
        try:
            super().search(x, y, epochs=epochs, batch_size=batch_size, verbose=verbose - 1 if verbose else 0,
                           **fit_kwargs)
        finally:
            self._progress.close()
            clear_session()

    def on_trial_end(self, trial):
        """Reports the trial to the oracle (keras-tuner) and advances the progress bar."""
        super().on_trial_end(trial)
        if self._progress is not None:
            self._progress.update(1)

    def run_trial(self, trial, x, y, *, epochs=10, batch_size=32, verbose=0, **fit_kwargs):
        """Cross-validates the trial's hyperparameters; returns the metrics for the oracle."""
        hp = trial.hyperparameters
        epochs = int(hp.values.get("tuner/epochs", epochs))
        clear_session()
        result = cross_validate(
            lambda: self._build_fold_model(hp), x, y, k=self.k, epochs=epochs, batch_size=batch_size,
            stratified=self.stratified, seed=self.seed, fit_kwargs=fit_kwargs or None, verbose=verbose,
        )
        objective = self.oracle.objective
        names = list(objective.name_to_direction) if hasattr(objective, "name_to_direction") else [objective.name]
        metrics = {}
        for name in names:
            values = _fold_values(result, name)
            metrics[name] = metrics[f"{name}_mean"] = float(np.mean(values))
            metrics[f"{name}_std"] = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
            metrics.update({f"{name}_fold_{i}": float(v) for i, v in enumerate(values)})
        for score in result.score_names:
            if score not in names:
                metrics[f"{score}_mean"] = float(result.scores[score].mean())
        return metrics

    def _build_fold_model(self, hp):
        """Builds one fold's model, inside ``distribution_strategy``'s scope when there is one."""
        if self.distribution_strategy is None:
            return self.hypermodel.build(hp)
        with self.distribution_strategy.scope():
            return self.hypermodel.build(hp)

    def save_model(self, trial_id, model, step=0):
        """Does nothing: a cross-validated trial trains ``k`` models and keeps none."""

    def load_model(self, trial):
        """Raises ``NotImplementedError``: a cross-validated trial keeps no trained model."""
        raise NotImplementedError(
            "CVTuner trains k models per trial and keeps none; build the best configuration with "
            "tuner.hypermodel.build(tuner.get_best_hyperparameters()[0]) and train it on all the training data"
        )


def _fold_values(result, name: str) -> np.ndarray:
    """The objective's value on each fold: a validation score, or the last epoch of a training metric."""
    if name in result.scores.columns:
        return result.scores[name].to_numpy(dtype=float)
    if name in result.metrics:
        rows = result.history[result.history["metric"] == name]
        return rows.sort_values("epoch").groupby(["repeat", "fold"])["value"].last().to_numpy(dtype=float)
    known = ", ".join(repr(m) for m in result.score_names + result.metrics)
    raise keras_tuner.errors.FatalValueError(
        f"objective must name a metric the models report; received objective {name!r}, but the folds report {known}"
    )
