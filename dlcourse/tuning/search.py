"""``cross_validated_search``, a one-call K-fold hyperparameter search, and ``trials_dataframe``."""

from __future__ import annotations

import keras_tuner
import numpy as np
import pandas as pd

from dlcourse._validation import _describe, check_bool, check_choice, check_int
from dlcourse.evaluation.splits import check_seed
from dlcourse.tuning.cv_tuner import CVTuner, check_project, check_search_data, check_strategy

TUNERS = ("random", "bayesian", "hyperband")
"""The ``tuner`` choices of :func:`cross_validated_search`."""


def _make_objective(objective):
    if isinstance(objective, keras_tuner.Objective):
        return objective
    if not isinstance(objective, str):
        raise TypeError(
            "objective must be a metric name such as 'val_loss' or a keras_tuner.Objective; "
            f"received objective={_describe(objective)}"
        )
    direction = keras_tuner.engine.metrics_tracking.infer_metric_direction(objective)
    if direction is None:
        raise ValueError(
            "objective must be a metric whose direction keras-tuner knows, such as 'val_loss' or 'val_accuracy', "
            f"or a keras_tuner.Objective(name, direction=...); received objective={objective!r}"
        )
    return keras_tuner.Objective(objective, direction=direction)


def _make_oracle(tuner, objective, max_trials, epochs, seed):
    # keras-tuner treats seed=0 as "no seed", hence seed + 1.
    if tuner == "random":
        return keras_tuner.oracles.RandomSearchOracle(objective=objective, max_trials=max_trials, seed=seed + 1)
    if tuner == "bayesian":
        return keras_tuner.oracles.BayesianOptimizationOracle(objective=objective, max_trials=max_trials, seed=seed + 1)
    return keras_tuner.oracles.HyperbandOracle(objective=objective, max_epochs=epochs, factor=3, seed=seed + 1)


def cross_validated_search(
    hypermodel,
    x,
    y,
    *,
    k=3,
    tuner="random",
    max_trials=10,
    epochs=10,
    batch_size=32,
    objective="val_loss",
    stratified=False,
    seed=0,
    directory=None,
    project_name="cv_search",
    overwrite=False,
    verbose=0,
    distribution_strategy=None,
) -> pd.DataFrame:
    """Searches hyperparameters, scoring every trial by the mean of a K-fold cross-validation.

    A :class:`CVTuner` with a keras-tuner oracle: ``"random"`` (``RandomSearchOracle``),
    ``"bayesian"`` (``BayesianOptimizationOracle``) or ``"hyperband"`` (``HyperbandOracle`` with
    ``max_epochs=epochs`` and ``factor=3``; it decides the number of trials itself, so
    ``max_trials`` does not apply, and each trial trains from scratch for its ``tuner/epochs``).
    The project folder ``directory/project_name`` gets a fingerprint of the hypermodel and its
    config, the data's shapes (and digests), ``k``, ``epochs``, ``batch_size``, the objective,
    the tuner, ``stratified`` and ``seed``. Calling again with the same fingerprint resumes the
    search: the finished trials are kept, and a larger ``max_trials`` runs only the new ones.

    Args:
        hypermodel: a ``keras_tuner.HyperModel`` such as :class:`DenseHyperModel`, or a
            function ``build(hp)`` returning a compiled model.
        x: the inputs, a NumPy array with samples on the first axis.
        y: the targets, with as many samples as ``x``.
        k: the number of folds, an int in ``[2, len(x)]``.
        tuner: ``"random"``, ``"bayesian"`` or ``"hyperband"``.
        max_trials: the number of trials in all (earlier, resumed ones included), >= 1.
        epochs: the epochs of each fold's fit, >= 1.
        batch_size: the batch size, >= 1.
        objective: the metric to minimise or maximise, as a fold's model reports it after
            training: ``"val_loss"``, ``"val_accuracy"``, ``"val_mae"``, ...; or a
            ``keras_tuner.Objective``.
        stratified: stratified folds (targets of class labels or one-hot rows).
        seed: a non-negative int: the oracle's seed, the folds' shuffle and the models' seeds.
        directory: the folder that holds the project folder (``None``:
            ``dlcourse.build_dir("tuner")``).
        project_name: the project folder's name.
        overwrite: delete the project folder and start afresh.
        verbose: 0 (silent apart from a line when resuming), 1 (keras-tuner's trial tables) or
            2 (also every epoch and fold).
        distribution_strategy: ``None``, or a ``tf.distribute.Strategy`` in whose scope every
            fold's model is built (see :class:`CVTuner`).

    Returns:
        The trials as :func:`trials_dataframe` gives them, best first: ``trial_id``, the sampled
        hyperparameters, ``score`` (the mean of the objective over the folds),
        ``<objective>_mean``, ``<objective>_std``, ``<objective>_fold_<i>``, the mean of each
        other validation score, and ``status``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument is out of range, or the project folder holds a search with
            another fingerprint (pass ``overwrite=True`` or a new ``project_name``).

    Example:

    >>> hypermodel = DenseHyperModel((13,), "regression", num_layers=(1, 2), units=(32, 64))  # doctest: +SKIP
    >>> trials = cross_validated_search(hypermodel, x_train, y_train, k=4, max_trials=8,
    ...                                 epochs=50, objective="val_mae")   # doctest: +SKIP
    >>> trials.head()                                                      # doctest: +SKIP
    """
    if not (isinstance(hypermodel, keras_tuner.HyperModel) or callable(hypermodel)):
        raise TypeError(
            "hypermodel must be a keras_tuner.HyperModel or a function build(hp) returning a compiled model; "
            f"received hypermodel={_describe(hypermodel)}"
        )
    k = check_int("k", k, minimum=2)
    check_choice("tuner", tuner, TUNERS)
    max_trials = check_int("max_trials", max_trials, minimum=1)
    check_bool("stratified", stratified)
    x, y, epochs, batch_size, verbose = check_search_data(
        x, y, k=k, stratified=stratified, epochs=epochs, batch_size=batch_size, verbose=verbose
    )
    objective = _make_objective(objective)
    seed = check_seed(seed)
    check_project(directory, project_name)
    check_bool("overwrite", overwrite)
    check_strategy(distribution_strategy)
    oracle = _make_oracle(tuner, objective, max_trials, epochs, seed)
    cv_tuner = CVTuner(oracle, hypermodel, k=k, stratified=stratified, seed=seed, directory=directory,
                       project_name=project_name, overwrite=overwrite, distribution_strategy=distribution_strategy)
    cv_tuner.search(x, y, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return trials_dataframe(cv_tuner)


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
        A DataFrame with the columns ``trial_id``; one per hyperparameter (NaN where a trial did
        not use it; Hyperband adds its ``tuner/...`` bookkeeping values); ``score``, the value the
        oracle ranks by (for :class:`CVTuner` the mean over the folds; for the other tuners the
        objective at the trial's best epoch); one column per other reported metric, at the
        trial's best step (for :class:`CVTuner`: ``<objective>_mean``, ``<objective>_std``,
        ``<objective>_fold_<i>`` and the other scores' means); ``status`` (``"COMPLETED"``,
        ``"RUNNING"``, ``"FAILED"``, ...); and ``error``, the last line of a failed trial's message,
        when a trial failed. Completed trials come first, sorted by ``score`` in the objective's
        direction. ``df.attrs`` holds ``objective``, ``direction`` and ``project_dir``.

    Raises:
        TypeError: if ``tuner`` is not a keras-tuner tuner.

    Example:

    >>> tuner = keras_tuner.RandomSearch(hypermodel, objective="val_loss", max_trials=5)   # doctest: +SKIP
    >>> tuner.search(x_train, y_train, epochs=5, validation_split=0.2)                     # doctest: +SKIP
    >>> trials_dataframe(tuner)[["units", "learning_rate", "score"]]                       # doctest: +SKIP
    """
    if not isinstance(tuner, keras_tuner.engine.base_tuner.BaseTuner):
        raise TypeError(
            f"tuner must be a keras-tuner tuner such as keras_tuner.RandomSearch; received tuner={_describe(tuner)}"
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
