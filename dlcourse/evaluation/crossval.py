"""K-fold and iterated K-fold validation of Keras models, one fresh model per fold.

The folds come from scikit-learn's splitters; this module trains and evaluates a fresh model on
each and gathers the numbers into a :class:`CVResult`.
"""

from __future__ import annotations

import weakref

import keras
import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, RepeatedKFold, RepeatedStratifiedKFold, StratifiedKFold

from tqdm.auto import tqdm

from dlcourse.config import set_seed
from dlcourse.evaluation.result import CVResult
from dlcourse.precision import clear_session
from dlcourse.training import as_dataset
from dlcourse.validation import (
    check_bool,
    check_class_counts,
    check_finite,
    check_input_fits,
    check_int,
    check_seed,
    check_targets,
    check_xy,
    describe,
    stratify_labels,
)

__all__ = ["cross_validate", "iterated_kfold"]

_RESERVED_FIT_KWARGS = (
    "x", "y", "epochs", "batch_size", "sample_weight", "validation_data", "validation_split",
    "validation_batch_size", "verbose",
)


def _check_fit_kwargs(fit_kwargs) -> dict:
    if fit_kwargs is None:
        return {}
    if not isinstance(fit_kwargs, dict):
        raise TypeError(
            f"fit_kwargs must be a dict of model.fit() arguments or None; received fit_kwargs={describe(fit_kwargs)}"
        )
    reserved = [key for key in fit_kwargs if key in _RESERVED_FIT_KWARGS]
    if reserved:
        raise ValueError(
            f"fit_kwargs must not set {', '.join(reserved)}: the folds give the data and the function's own "
            f"arguments set epochs, batch_size and verbose; received fit_kwargs keys {sorted(fit_kwargs)}"
        )
    if "shuffle" in fit_kwargs:
        check_bool("fit_kwargs['shuffle']", fit_kwargs["shuffle"])
    return dict(fit_kwargs)


def _check_common(build_model, x, y, epochs, batch_size, seed, fit_kwargs, verbose):
    if not callable(build_model):
        raise TypeError(
            "build_model must be a callable with no arguments that returns a fresh compiled keras.Model; "
            f"received build_model={describe(build_model)}"
        )
    x, y = check_xy(x, y)
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    seed = check_seed(seed)
    fit_kwargs = _check_fit_kwargs(fit_kwargs)
    verbose = check_int("verbose", verbose, minimum=0, maximum=2)
    check_finite("x", x)
    return x, y, epochs, batch_size, seed, fit_kwargs, verbose


def _check_k(k, n_samples: int) -> int:
    k = check_int("k", k, minimum=2)
    if k > n_samples:
        raise ValueError(f"k must be <= the number of samples ({n_samples}); received k={k}")
    return k


def _stratify(y, k: int) -> np.ndarray:
    labels = stratify_labels(y, argument="stratified")
    check_class_counts(labels, k, argument="stratified", needed_for=f"k={k}")
    return labels


def _split_target(y: np.ndarray) -> np.ndarray:
    """The targets handed to ``splitter.split``: class labels for one-hot ``y``, else ``y`` itself."""
    if y.ndim == 2 and y.shape[1] > 1 and np.issubdtype(y.dtype, np.number) and np.all(np.sum(y, axis=1) == 1):
        return np.argmax(y, axis=1)
    return y


def _check_model(model, previous) -> None:
    if not isinstance(model, keras.Model):
        raise TypeError(f"build_model must return a keras.Model; it returned {describe(model)}")
    if not getattr(model, "compiled", False):
        raise ValueError(
            f"build_model must return a compiled model; it returned the model {model.name!r}, which is not compiled "
            "(call model.compile(...) or dlcourse.compile_model(model, task) inside build_model)"
        )
    if previous is not None and previous() is model:
        raise ValueError(
            f"build_model must build a fresh model at every call; it returned the same model {model.name!r} "
            "as for the previous fold, so that fold's training would carry over"
        )


def _loss_name(model) -> str:
    loss = model.loss
    return loss if isinstance(loss, str) else getattr(loss, "name", getattr(loss, "__name__", ""))


def _check_data_fits(model, x, y) -> None:
    # The first fold's model tells what the data must be: its input shape, and through its loss
    # which targets it can take (Keras would otherwise fail inside a graph, or train silently on
    # labels such as 2 for a binary model).
    check_input_fits(model, x, "x")
    units = model.outputs[0].shape[-1]
    loss = _loss_name(model)
    if loss in ("sparse_categorical_crossentropy", "categorical_crossentropy"):
        if check_targets(y, "multiclass", units, "y") != (loss == "categorical_crossentropy"):
            form = "one-hot rows" if loss == "categorical_crossentropy" else "class indices"
            raise ValueError(f"y must hold {form} for a model compiled with loss={loss!r}; received y of shape {y.shape}")
    elif loss == "binary_crossentropy":
        check_targets(y, "regression_unit", units, "y")  # any value in [0, 1]; {0, 1} labels included
    else:
        check_targets(y, "regression", units, "y")


def _run_folds(build_model, x, y, splits, *, k, repeats, epochs, batch_size, seed, fit_kwargs, verbose) -> CVResult:
    score_rows, history_frames, val_indices = [], [], []
    previous = None
    fit_kwargs = dict(fit_kwargs)
    shuffle = fit_kwargs.pop("shuffle", True)
    bar = tqdm(splits, desc="K-fold" if repeats == 1 else "iterated K-fold", unit="fold", disable=verbose == 0)
    for i, (train_idx, val_idx) in enumerate(bar):
        repeat, fold = divmod(i, k)
        clear_session()
        set_seed(seed + i)
        model = build_model()
        _check_model(model, previous)
        if previous is None:
            _check_data_fits(model, x, y)
        previous = weakref.ref(model)
        # tf.data pipelines rather than arrays: Keras rebuilds its pipeline over arrays at every
        # epoch, which doubles the cost of a small model's epoch (benchmarks/small_data_kfold.py).
        train_data = as_dataset(x[train_idx], y[train_idx], batch_size=batch_size, shuffle=shuffle, seed=seed + i)
        val_data = as_dataset(x[val_idx], y[val_idx], batch_size=batch_size)
        history = model.fit(train_data, validation_data=val_data, epochs=epochs, shuffle=False,  # done by the pipeline
                            verbose=2 if verbose == 2 else 0, **fit_kwargs)
        evaluated = model.evaluate(val_data, verbose=0, return_dict=True)
        names = sorted(evaluated, key=lambda name: (name != "loss",))
        row = {"repeat": repeat, "fold": fold, "train_size": len(train_idx), "val_size": len(val_idx),
               "epochs": len(history.epoch)}
        score_rows.append({**row, **{f"val_{name}": float(evaluated[name]) for name in names}})
        val_indices.append(np.asarray(val_idx))
        for metric, values in history.history.items():
            history_frames.append(pd.DataFrame({"repeat": repeat, "fold": fold, "epoch": np.arange(1, len(values) + 1),
                                                "metric": metric, "value": np.asarray(values, dtype=float)}))
        bar.set_postfix({f"val_{name}": f"{evaluated[name]:.4g}" for name in names})
        del model
    clear_session()
    history = pd.concat(history_frames, ignore_index=True)
    return CVResult(scores=pd.DataFrame(score_rows), history=history, val_indices=val_indices, k=k, repeats=repeats)


def cross_validate(build_model, x, y, *, k=4, cv=None, epochs=10, batch_size=32, shuffle=True, stratified=False,
                   seed=0, fit_kwargs=None, verbose=1) -> CVResult:
    """K-fold cross-validation of a Keras model: a fresh model trained and scored on each fold.

    The folds come from scikit-learn's ``KFold`` (``StratifiedKFold`` with ``stratified=True``),
    shuffled with ``random_state=seed``. For each fold the Keras session is cleared, the seed
    ``seed + fold`` is set with :func:`dlcourse.set_seed` (the function sets the global seeds),
    ``build_model()`` builds a fresh compiled model, which is trained on the other folds with
    the held-out fold as ``validation_data`` and then evaluated on it. Every sample is validated
    exactly once, and the same ``seed`` gives the same numbers (on a CPU).

    The folds reach ``fit`` as :func:`dlcourse.as_dataset` pipelines, reshuffled every epoch
    unless ``fit_kwargs`` has ``"shuffle": False``. To train on several devices, build the
    model inside a ``tf.distribute`` strategy's scope (in ``build_model``, or around the call).

    Args:
        build_model: a callable with no arguments returning a new *compiled* ``keras.Model``.
        x: the inputs, a NumPy array with samples on the first axis.
        y: the targets, with as many samples as ``x``.
        k: the number of folds, an int in ``[2, len(x)]``; ignored when ``cv`` is given.
        cv: ``None``, or any scikit-learn splitter (such as ``ShuffleSplit`` or ``GroupKFold``)
            to use instead of ``k``, ``shuffle`` and ``stratified``; one-hot ``y`` reaches it as labels.
        epochs: the number of epochs of each fit, >= 1.
        batch_size: the batch size of fitting and evaluation, >= 1.
        shuffle: shuffle the samples before cutting the folds.
        stratified: keep the class proportions of ``y`` (labels or one-hot rows) in every fold.
        seed: a non-negative int: the splitter's random state and the base of the fold seeds.
        fit_kwargs: ``None``, or a dict of further ``model.fit`` arguments such as
            ``{"callbacks": [...]}``; not the data, ``epochs``, ``batch_size`` or ``verbose``.
        verbose: 0 (silent), 1 (a progress bar over the folds) or 2 (also Keras's epoch lines).

    Returns:
        A :class:`CVResult`: ``scores`` (one row per fold), ``history`` (per-epoch values) and
        ``val_indices``.

    Raises:
        TypeError, ValueError: for a bad argument, and before any training when ``build_model``
            returns no fresh compiled model, ``x`` holds NaN/inf or does not fit its input, or
            ``y`` holds targets its loss cannot take.

    Example:

    >>> import numpy as np, dlcourse
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(40, 13)), rng.normal(size=40)
    >>> def build_model():
    ...     model = dlcourse.build_dense((13,), "regression", units=(8,))
    ...     return dlcourse.compile_model(model, "regression")
    >>> result = cross_validate(build_model, x, y, k=4, epochs=2, verbose=0)
    >>> result.scores[["fold", "train_size", "val_size"]].values.tolist()
    [[0, 30, 10], [1, 30, 10], [2, 30, 10], [3, 30, 10]]
    """
    x, y, epochs, batch_size, seed, fit_kwargs, verbose = _check_common(
        build_model, x, y, epochs, batch_size, seed, fit_kwargs, verbose
    )
    check_bool("shuffle", shuffle)
    check_bool("stratified", stratified)
    if cv is None:
        k = _check_k(k, len(x))
        kind = StratifiedKFold if stratified else KFold
        splitter = kind(n_splits=k, shuffle=shuffle, random_state=seed if shuffle else None)
        splits = list(splitter.split(x, _stratify(y, k) if stratified else y))
        repeats = 1
    else:
        if not (callable(getattr(cv, "split", None)) and callable(getattr(cv, "get_n_splits", None))):
            raise TypeError(
                "cv must be None or a scikit-learn splitter with split() and get_n_splits(), such as "
                f"KFold(5); received cv={describe(cv)}"
            )
        if stratified:
            raise ValueError("stratified=True cannot be combined with cv: pass cv=StratifiedKFold(...) instead")
        splits = list(cv.split(x, _split_target(y)))
        if not splits:
            raise ValueError(f"cv must produce at least one split; received cv={cv!r}, which produced none")
        repeats = int(getattr(cv, "n_repeats", 1))
        k = max(len(splits) // repeats, 1)
    return _run_folds(build_model, x, y, splits, k=k, repeats=repeats, epochs=epochs, batch_size=batch_size,
                      seed=seed, fit_kwargs=fit_kwargs, verbose=verbose)


def iterated_kfold(build_model, x, y, *, k=4, repeats=3, epochs=10, batch_size=32, stratified=False, seed=0,
                   fit_kwargs=None, verbose=1) -> CVResult:
    """Iterated K-fold validation: K-fold run ``repeats`` times, reshuffled each time.

    The splits are scikit-learn's ``RepeatedKFold(n_splits=k, n_repeats=repeats,
    random_state=seed)`` (``RepeatedStratifiedKFold`` with ``stratified=True``): ``repeats * k``
    fits of fresh models, as in :func:`cross_validate`. A steadier estimate when data are
    scarce; :meth:`CVResult.summary` shows how much it moves between repeats (``repeat_std``).

    Args:
        build_model, x, y, k, epochs, batch_size, stratified, seed, fit_kwargs, verbose: as in
            :func:`cross_validate`.
        repeats: the number of repeats, >= 1.

    Returns:
        A :class:`CVResult` with ``repeats * k`` rows of scores, numbered by ``repeat`` and ``fold``.

    Raises:
        TypeError, ValueError: as :func:`cross_validate`, and for a bad ``repeats``.

    Example:

    >>> import numpy as np, dlcourse
    >>> x, y = np.random.default_rng(0).normal(size=(30, 13)), np.arange(30.0)
    >>> def build_model():
    ...     return dlcourse.compile_model(dlcourse.build_dense((13,), "regression", units=(8,)), "regression")
    >>> result = iterated_kfold(build_model, x, y, k=3, repeats=2, epochs=1, verbose=0)
    >>> len(result.scores), sorted(set(result.scores["repeat"]))
    (6, [0, 1])
    """
    x, y, epochs, batch_size, seed, fit_kwargs, verbose = _check_common(
        build_model, x, y, epochs, batch_size, seed, fit_kwargs, verbose
    )
    k = _check_k(k, len(x))
    repeats = check_int("repeats", repeats, minimum=1)
    check_bool("stratified", stratified)
    kind = RepeatedStratifiedKFold if stratified else RepeatedKFold
    splits = list(kind(n_splits=k, n_repeats=repeats, random_state=seed).split(x, _stratify(y, k) if stratified else y))
    return _run_folds(build_model, x, y, splits, k=k, repeats=repeats, epochs=epochs, batch_size=batch_size,
                      seed=seed, fit_kwargs=fit_kwargs, verbose=verbose)
