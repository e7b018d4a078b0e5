"""``cross_validated_search``, a one-call K-fold hyperparameter search, and ``trials_dataframe``."""

from __future__ import annotations

import keras_tuner
import numpy as np
import pandas as pd

from dlcourse.tuning.cv_tuner import CVTuner
from dlcourse.validation import check_choice, check_int, describe

__all__ = ["cross_validated_search", "trials_dataframe"]

_ORACLES = {
    "random": keras_tuner.oracles.RandomSearchOracle,
    "bayesian": keras_tuner.oracles.BayesianOptimizationOracle,
    "hyperband": keras_tuner.oracles.HyperbandOracle,
}


def cross_validated_search(hypermodel, x, y, *, k=3, tuner="random", max_trials=10, epochs=10, batch_size=32,
                           objective="val_loss", stratified=False, seed=0, directory=None, project_name="cv_search",
                           overwrite=False, verbose=1, distribution_strategy=None) -> CVTuner:
    """Searches hyperparameters, scoring every trial by the mean of a K-fold cross-validation.

    A :class:`CVTuner` with a keras-tuner oracle: ``"random"``, ``"bayesian"`` or
    ``"hyperband"`` (``max_epochs=epochs``, ``factor=3``; it sets the number of trials itself).
    Calling again with the same fingerprint (see :class:`CVTuner`) resumes the search: finished
    trials are kept, and a larger ``max_trials`` runs only the new ones.

    Args:
        hypermodel: a ``keras_tuner.HyperModel`` such as :class:`DenseHyperModel`, or a
            function ``build(hp)`` returning a compiled model.
        x: the inputs, a NumPy array with samples on the first axis.
        y: the targets, with as many samples as ``x``.
        k: the number of folds, an int in ``[2, len(x)]``.
        tuner: ``"random"``, ``"bayesian"`` or ``"hyperband"``.
        max_trials: the number of trials in all (resumed ones included), >= 1.
        epochs: the epochs of each fold's fit, >= 1.
        batch_size: the batch size, >= 1.
        objective: the metric to optimise as a fold's model reports it (``"val_loss"``,
            ``"val_accuracy"``, ...), or a ``keras_tuner.Objective``.
        stratified: stratified folds (targets of class labels or one-hot rows).
        seed: a non-negative int: the oracle's seed, the folds' shuffle and the models' seeds.
        directory: the folder of the project folder (``None``: ``dlcourse.build_dir("tuner")``).
        project_name: the project folder's name.
        overwrite: delete the project folder and start afresh.
        verbose: 0 (a line when resuming), 1 (a progress bar over the trials) or 2 (also
            keras-tuner's trial tables and the folds' progress).
        distribution_strategy: ``None``, or a ``tf.distribute.Strategy`` (see :class:`CVTuner`).

    Returns:
        The :class:`CVTuner`, after its search.

    Raises:
        TypeError, ValueError: for a bad argument, or a project folder with another fingerprint.

    Example:

    >>> import dlcourse, numpy as np, tempfile
    >>> x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    >>> hypermodel = dlcourse.DenseHyperModel((3,), "regression", num_layers=(1, 2), units=(8, 16))
    >>> tuner = dlcourse.cross_validated_search(hypermodel, x, x.sum(axis=1), k=2, max_trials=2, epochs=2,
    ...                                         directory=tempfile.mkdtemp(), verbose=0)
    >>> model = tuner.hypermodel.build(tuner.get_best_hyperparameters()[0])   # fresh, to train on all the data
    """
    max_trials = check_int("max_trials", max_trials, minimum=1)
    # keras-tuner treats seed=0 as "no seed", hence seed + 1 (CVTuner checks seed, and the data and epochs).
    oracle_seed = seed + 1 if isinstance(seed, int) else None
    options = {"max_trials": max_trials}
    if tuner == "hyperband":  # keras-tuner's own error for a bad max_epochs does not name it
        options = {"max_epochs": check_int("epochs", epochs, minimum=1), "factor": 3}
    oracle = _ORACLES[check_choice("tuner", tuner, _ORACLES)](objective=objective, seed=oracle_seed, **options)
    cv_tuner = CVTuner(oracle, hypermodel, k=k, stratified=stratified, seed=seed, directory=directory,
                       project_name=project_name, overwrite=overwrite, distribution_strategy=distribution_strategy)
    cv_tuner.search(x, y, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return cv_tuner


def _value_at(metrics, name: str, step):
    history = metrics.get_history(name)
    if not history:
        return np.nan
    for observation in history:
        if observation.step == step:
            return float(observation.mean())
    return float(history[-1].mean())


def trials_dataframe(tuner) -> pd.DataFrame:
    """Returns the trials of any keras-tuner tuner as a DataFrame, one row per trial, best first.

    Args:
        tuner: a keras-tuner tuner (``RandomSearch``, ``Hyperband``, ``BayesianOptimization``,
            :class:`CVTuner`, ...), during or after its search.

    Returns:
        A DataFrame with ``trial_id``; one column per hyperparameter (NaN where a trial did not
        use it); ``score``, the value the oracle ranks by; one column per other reported metric,
        at the trial's best step; ``status``; and ``error`` (a failed trial's last message line)
        when a trial failed. Completed trials come first, best first. ``df.attrs`` holds
        ``objective``, ``direction`` and ``project_dir``.

    Raises:
        TypeError: if ``tuner`` is not a keras-tuner tuner.

    Example:

    >>> import dlcourse, keras_tuner, tempfile
    >>> class Quadratic(keras_tuner.RandomSearch):   # a "trial" that trains nothing
    ...     def run_trial(self, trial, *args, **kwargs):
    ...         return {"loss": trial.hyperparameters.Float("v", -1.0, 1.0) ** 2}
    >>> tuner = Quadratic(objective="loss", max_trials=3, seed=1, directory=tempfile.mkdtemp())
    >>> tuner.search(verbose=0)
    >>> trials = dlcourse.trials_dataframe(tuner)
    >>> list(trials.columns), bool(trials["score"].is_monotonic_increasing)
    (['trial_id', 'v', 'score', 'status'], True)
    """
    if not isinstance(tuner, keras_tuner.engine.base_tuner.BaseTuner):
        raise TypeError(
            f"tuner must be a keras-tuner tuner such as keras_tuner.RandomSearch; received tuner={describe(tuner)}"
        )
    oracle = tuner.oracle
    objective_name = oracle.objective.name
    hp_names = list(dict.fromkeys(hp.name for hp in oracle.get_space().space))
    rows, metric_names = [], []
    for trial in oracle.trials.values():
        for name in trial.hyperparameters.values:
            if name not in hp_names:
                hp_names.append(name)
        for name in trial.metrics.metrics:
            if name != objective_name and name not in metric_names:
                metric_names.append(name)
    for trial in oracle.trials.values():
        row = {"trial_id": trial.trial_id}
        row.update({name: trial.hyperparameters.values.get(name, np.nan) for name in hp_names})
        row["score"] = np.nan if trial.score is None else float(trial.score)
        for name in metric_names:
            row[name] = _value_at(trial.metrics, name, trial.best_step) if trial.metrics.exists(name) else np.nan
        row["status"] = str(trial.status)
        if trial.message:
            row["error"] = trial.message.strip().splitlines()[-1]
        rows.append(row)
    columns = ["trial_id", *hp_names, "score", *metric_names, "status"]
    if any("error" in row for row in rows):
        columns.append("error")
    frame = pd.DataFrame(rows, columns=columns)
    direction = oracle.objective.direction
    if not frame.empty:
        frame["_rank"] = (frame["status"] != "COMPLETED").astype(int)
        frame = frame.sort_values("score", ascending=direction != "max", na_position="last", kind="stable")
        frame = frame.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)
    frame.attrs.update({"objective": objective_name, "direction": direction, "project_dir": str(tuner.project_dir)})
    return frame
