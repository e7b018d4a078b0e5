"""Tests of dlcourse.evaluation: hold-out splits, K-fold and iterated K-fold, and CVResult."""

import functools

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold

from dlcourse.evaluation.crossval import cross_validate, iterated_kfold
from dlcourse.evaluation.result import CVResult
from dlcourse.evaluation.splits import holdout_split
from dlcourse.validation import stratify_labels

N = 20


def _regression_data(n=N):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5])).astype("float32")


def _build_regression():
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden), name="tiny_regression")
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


def _build_binary():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs), name="tiny_binary")
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


class _Counter:
    """A build_model that counts its calls."""

    def __init__(self, build):
        self.build = build
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.build()


class _WeightRecorder(keras.callbacks.Callback):
    """Records each fit's weights at the start and at the end of training."""

    def __init__(self):
        super().__init__()
        self.start, self.end = [], []

    def on_train_begin(self, logs=None):
        self.start.append([w.copy() for w in self.model.get_weights()])

    def on_train_end(self, logs=None):
        self.end.append([w.copy() for w in self.model.get_weights()])


@pytest.fixture(scope="module")
def kfold_run():
    x, y = _regression_data()
    counter, recorder = _Counter(_build_regression), _WeightRecorder()
    result = cross_validate(counter, x, y, k=4, epochs=2, batch_size=8, fit_kwargs={"callbacks": [recorder]})
    return result, counter, recorder


@pytest.fixture(scope="module")
def iterated_run():
    x, y = _regression_data(12)
    return iterated_kfold(_build_regression, x, y, k=2, repeats=2, epochs=1, batch_size=8, seed=3)


# --- K-fold ------------------------------------------------------------------------------------


def test_kfold_validates_every_sample_exactly_once(kfold_run):
    result, _, _ = kfold_run
    assert len(result.val_indices) == 4
    assert np.array_equal(np.sort(np.concatenate(result.val_indices)), np.arange(N))
    assert result.scores["val_size"].tolist() == [5, 5, 5, 5]
    assert (result.scores["train_size"] + result.scores["val_size"]).eq(N).all()


def test_kfold_builds_a_fresh_model_per_fold(kfold_run):
    _, counter, recorder = kfold_run
    assert counter.calls == 4
    assert len(recorder.start) == 4
    for previous_end, start in zip(recorder.end[:-1], recorder.start[1:]):
        assert not all(np.allclose(a, b) for a, b in zip(previous_end, start))


def test_kfold_trains_as_fit_on_the_arrays_does():
    """The folds go to fit as tf.data pipelines: the same training as the arrays themselves."""
    x, y = _regression_data()
    x64 = x.astype("float64")  # cast to float32 as Keras casts arrays
    result = cross_validate(_build_regression, x64, y, k=2, epochs=3, batch_size=8, shuffle=False, seed=5,
                            fit_kwargs={"shuffle": False})
    for i, (train_idx, val_idx) in enumerate(KFold(2).split(x)):
        keras.backend.clear_session()
        keras.utils.set_random_seed(5 + i)
        model = _build_regression()
        model.fit(x64[train_idx], y[train_idx], epochs=3, batch_size=8, shuffle=False, verbose=0)
        expected = model.evaluate(x64[val_idx], y[val_idx], batch_size=8, verbose=0, return_dict=True)
        assert result.scores["val_mae"][i] == pytest.approx(expected["mae"], rel=1e-5)
        assert result.scores["val_loss"][i] == pytest.approx(expected["loss"], rel=1e-5)


def test_kfold_keeps_the_global_dtype_policy():
    """keras.backend.clear_session() resets the policy; the folds must still use the user's."""
    x, y = _regression_data()
    policies = []

    def build():
        model = _build_regression()
        policies.append(model.dtype_policy.name)
        return model

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        cross_validate(build, x, y, k=2, epochs=1, batch_size=8)
        assert policies == ["mixed_bfloat16", "mixed_bfloat16"]
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_kfold_reshuffles_the_training_folds_by_default():
    x, y = _regression_data()
    runs = [cross_validate(_build_regression, x, y, k=2, epochs=3, batch_size=4, seed=5, fit_kwargs=kwargs)
            for kwargs in (None, None, {"shuffle": False})]
    pd.testing.assert_frame_equal(runs[0].scores, runs[1].scores)  # same seed, same numbers
    assert not np.allclose(runs[0].scores["val_mae"], runs[2].scores["val_mae"])  # the order matters


def test_kfold_tables(kfold_run):
    result, _, _ = kfold_run
    assert isinstance(result, CVResult)
    assert list(result.scores.columns) == ["repeat", "fold", "train_size", "val_size", "epochs", "val_loss", "val_mae"]
    assert result.scores["fold"].tolist() == [0, 1, 2, 3]
    assert result.scores["repeat"].tolist() == [0, 0, 0, 0]
    assert result.scores["epochs"].tolist() == [2, 2, 2, 2]
    assert list(result.history.columns) == ["repeat", "fold", "epoch", "metric", "value"]
    assert result.metrics == ["loss", "mae", "val_loss", "val_mae"]
    assert len(result.history) == 4 * 2 * 4  # folds x epochs x metrics
    assert result.score_names == ["val_loss", "val_mae"]
    assert (result.k, result.repeats) == (4, 1)
    assert "k=4" in repr(result)


def test_kfold_scores_are_the_validation_fold_evaluation(kfold_run):
    result, _, _ = kfold_run
    last = result.history[(result.history["epoch"] == 2) & (result.history["metric"] == "val_mae")]
    np.testing.assert_allclose(last["value"].to_numpy(), result.scores["val_mae"].to_numpy(), rtol=1e-5)


def test_kfold_summary_and_curves(kfold_run):
    result, _, _ = kfold_run
    summary = result.summary()
    assert list(summary.index) == ["val_loss", "val_mae"]
    assert list(summary.columns) == ["mean", "std", "min", "max"]
    assert summary.loc["val_mae", "mean"] == pytest.approx(result.scores["val_mae"].mean())
    curve = result.mean_curve("val_mae")
    assert isinstance(curve, pd.Series)
    assert curve.name == "val_mae" and list(curve.index) == [1, 2]
    assert curve.loc[2] == pytest.approx(result.scores["val_mae"].mean(), rel=1e-5)
    assert result.curves("loss").shape == (2, 4)


def test_same_seed_gives_identical_numbers():
    x, y = _regression_data(12)
    first = cross_validate(_build_regression, x, y, k=2, epochs=1, batch_size=4, seed=7)
    second = cross_validate(_build_regression, x, y, k=2, epochs=1, batch_size=4, seed=7)
    pd.testing.assert_frame_equal(first.scores, second.scores)
    pd.testing.assert_frame_equal(first.history, second.history)
    for a, b in zip(first.val_indices, second.val_indices):
        assert np.array_equal(a, b)


def test_stratified_folds_keep_class_ratios():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(24, 3)).astype("float32")
    y = np.array([0] * 18 + [1] * 6)
    result = cross_validate(_build_binary, x, y, k=3, epochs=1, batch_size=8, stratified=True)
    for val in result.val_indices:
        assert np.bincount(y[val]).tolist() == [6, 2]
    assert "val_accuracy" in result.scores.columns


def test_custom_splitter_is_used():
    x, y = _regression_data(8)
    result = cross_validate(_build_regression, x, y, cv=KFold(2), epochs=1)
    assert [v.tolist() for v in result.val_indices] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert result.k == 2


# --- iterated K-fold ---------------------------------------------------------------------------


def test_iterated_kfold_validates_each_sample_once_per_repeat(iterated_run):
    result = iterated_run
    assert len(result.scores) == 4
    assert result.scores[["repeat", "fold"]].values.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert np.bincount(np.concatenate(result.val_indices), minlength=12).tolist() == [2] * 12
    for repeat in (0, 1):
        folds = [v for v, r in zip(result.val_indices, result.scores["repeat"]) if r == repeat]
        assert np.array_equal(np.sort(np.concatenate(folds)), np.arange(12))
    assert not np.array_equal(result.val_indices[0], result.val_indices[2])  # reshuffled
    assert (result.k, result.repeats) == (2, 2)


def test_iterated_kfold_summary_has_the_spread_across_repeats(iterated_run):
    summary = iterated_run.summary()
    assert "repeat_std" in summary.columns
    means = iterated_run.scores.groupby("repeat")["val_loss"].mean()
    assert summary.loc["val_loss", "repeat_std"] == pytest.approx(means.std())


# --- CVResult on a constructed result ----------------------------------------------------------


def _constructed(repeats=1):
    rows = []
    curves = {(0, 0): [4.0, 2.0, 3.0], (0, 1): [2.0, 1.0, 2.0]}
    if repeats == 2:
        curves.update({(1, 0): [3.0, 3.0, 1.0], (1, 1): [1.0, 1.0, 1.0]})
    for (repeat, fold), values in curves.items():
        for epoch, value in enumerate(values, start=1):
            rows.append({"repeat": repeat, "fold": fold, "epoch": epoch, "metric": "val_loss", "value": value})
            rows.append({"repeat": repeat, "fold": fold, "epoch": epoch, "metric": "val_accuracy", "value": value / 10})
    scores = pd.DataFrame(
        [{"repeat": r, "fold": f, "train_size": 5, "val_size": 5, "epochs": 3, "val_loss": v[-1]} for (r, f), v in curves.items()]
    )
    return CVResult(scores=scores, history=pd.DataFrame(rows), val_indices=[], k=2, repeats=repeats)


def test_mean_curve_on_a_constructed_result():
    result = _constructed()
    assert result.mean_curve("val_loss").tolist() == [3.0, 1.5, 2.5]
    np.testing.assert_allclose(result.mean_curve("val_loss", smooth=0.5), [3.0, 2.0, 4 / 1.75])  # bias-corrected
    assert result.mean_curve("val_loss").to_numpy().shape == (3,)


def test_best_epoch_on_a_constructed_result():
    result = _constructed()
    assert result.best_epoch() == 2
    assert result.best_epoch("val_accuracy") == 1  # maximised
    assert result.best_epoch("val_loss", mode="max") == 1
    assert result.best_epoch("val_loss", smooth=0.5) == 2  # smoothed: 3.0, 2.0, 2.286


def test_summary_on_a_constructed_result():
    summary = _constructed(repeats=2).summary()
    assert summary.loc["val_loss", "mean"] == pytest.approx(1.75)  # last values 3, 2, 1, 1
    assert summary.loc["val_loss", "std"] == pytest.approx(np.std([3, 2, 1, 1], ddof=1))
    assert summary.loc["val_loss", "repeat_std"] == pytest.approx(np.std([2.5, 1.0], ddof=1))


def test_cvresult_validation():
    result = _constructed()
    with pytest.raises(ValueError, match="metric must be one of 'val_loss', 'val_accuracy'; received metric='val_mae'"):
        result.mean_curve("val_mae")
    with pytest.raises(TypeError, match="metric must be a str"):
        result.mean_curve(3)
    with pytest.raises(ValueError, match="smooth must be < 1.0"):
        result.mean_curve("val_loss", smooth=1.0)
    with pytest.raises(ValueError, match="mode must be one of"):
        result.best_epoch(mode="lowest")


def test_best_epoch_needs_a_mode_for_unknown_names():
    rows = [{"repeat": 0, "fold": 0, "epoch": 1, "metric": "score", "value": 1.0}]
    result = CVResult(scores=pd.DataFrame({"repeat": [0], "fold": [0]}), history=pd.DataFrame(rows), val_indices=[], k=2)
    with pytest.raises(ValueError, match="pass mode='min' or mode='max'"):
        result.best_epoch("score")
    assert result.best_epoch("score", mode="min") == 1


# --- holdout_split -----------------------------------------------------------------------------


def test_holdout_split_sizes():
    x, y = np.arange(40).reshape(20, 2), np.arange(20)
    x_train, x_val, y_train, y_val = holdout_split(x, y, validation_size=0.25)
    assert (x_train.shape, x_val.shape, y_train.shape, y_val.shape) == ((15, 2), (5, 2), (15,), (5,))
    assert np.array_equal(x_val[:, 0] // 2, y_val)  # rows stay paired
    assert sorted(np.concatenate([y_train, y_val]).tolist()) == list(range(20))
    assert len(holdout_split(x, y, validation_size=3)[1]) == 3
    _, x_val, _, _ = holdout_split(x, y, validation_size=4, shuffle=False)
    assert x_val[:, 0].tolist() == [32, 34, 36, 38]
    first = holdout_split(x, y, seed=5)[3]
    assert np.array_equal(first, holdout_split(x, y, seed=5)[3])


def test_holdout_split_stratifies_and_takes_strings():
    x = np.array([f"review {i}" for i in range(40)])
    y = np.array(["pos"] * 30 + ["neg"] * 10)
    x_train, x_val, y_train, y_val = holdout_split(x, y, validation_size=0.2, stratify=True)
    assert x_val.dtype.kind == "U"
    assert sorted(y_val.tolist()) == ["neg"] * 2 + ["pos"] * 6
    one_hot = np.eye(2)[np.array([0] * 30 + [1] * 10)]
    _, _, _, y_val = holdout_split(x, one_hot, validation_size=0.2, stratify=True)
    assert y_val.sum(axis=0).tolist() == [6.0, 2.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"validation_size": 0.0}, ValueError, r"validation_size must be a fraction in \(0, 1\) or an int count; received validation_size=0.0"),
        ({"validation_size": 1.5}, ValueError, "validation_size must be a fraction"),
        ({"validation_size": 10}, ValueError, "validation_size must be <= 9; received validation_size=10"),
        ({"validation_size": 0}, ValueError, "validation_size must be >= 1"),
        ({"validation_size": "0.2"}, TypeError, "validation_size must be a fraction in"),
        ({"shuffle": 1}, TypeError, "shuffle must be a bool"),
        ({"stratify": True, "shuffle": False}, ValueError, "stratify=True needs shuffle=True"),
        ({"seed": -1}, ValueError, "seed must be >= 0; received seed=-1"),
    ],
)
def test_holdout_split_validation(kwargs, error, message):
    x, y = np.zeros((10, 2)), np.arange(10) % 2
    with pytest.raises(error, match=message):
        holdout_split(x, y, **kwargs)


def test_holdout_split_data_validation():
    with pytest.raises(ValueError, match=r"x and y must have the same number of samples; received len\(x\)=10 and len\(y\)=9"):
        holdout_split(np.zeros((10, 2)), np.zeros(9))
    with pytest.raises(TypeError, match="x must be a NumPy array"):
        holdout_split(object(), np.zeros(9))
    with pytest.raises(ValueError, match="stratify=True needs class labels"):
        holdout_split(np.zeros((10, 2)), np.linspace(0, 1, 10), stratify=True)
    with pytest.raises(ValueError, match="stratify=True needs at least 2 samples of every class; received class 1"):
        holdout_split(np.zeros((10, 2)), np.array([0] * 9 + [1]), stratify=True)
    with pytest.raises(ValueError, match="one sample of each of the 3 classes in both parts"):
        holdout_split(np.zeros((12, 2)), np.arange(12) % 3, validation_size=2, stratify=True)


def test_stratify_labels():
    assert stratify_labels(np.array([[0], [1], [1]])).tolist() == [0, 1, 1]
    assert stratify_labels(np.eye(3)[[2, 0, 1]]).tolist() == [2, 0, 1]
    with pytest.raises(ValueError, match="rows are not one-hot"):
        stratify_labels(np.array([[1, 1], [0, 1]]))
    with pytest.raises(ValueError, match=r"received y with shape \(2, 1, 1\)"):
        stratify_labels(np.zeros((2, 1, 1)))


# --- validation of cross_validate / iterated_kfold ---------------------------------------------


def _uncompiled():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs), name="raw")


@functools.lru_cache(maxsize=1)
def _same_model():
    return _build_regression()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"k": 1}, ValueError, "k must be >= 2; received k=1"),
        ({"k": 21}, ValueError, r"k must be <= the number of samples \(20\); received k=21"),
        ({"k": 2.0}, TypeError, "k must be an int"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1; received epochs=0"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1; received batch_size=0"),
        ({"seed": -2}, ValueError, "seed must be >= 0; received seed=-2"),
        ({"shuffle": "yes"}, TypeError, "shuffle must be a bool"),
        ({"stratified": 1}, TypeError, "stratified must be a bool"),
        ({"verbose": 3}, ValueError, "verbose must be <= 2; received verbose=3"),
        ({"fit_kwargs": {"epochs": 3}}, ValueError, r"fit_kwargs must not set epochs.*received fit_kwargs keys \['epochs'\]"),
        ({"fit_kwargs": {"validation_split": 0.2}}, ValueError, "fit_kwargs must not set validation_split"),
        ({"fit_kwargs": [1]}, TypeError, "fit_kwargs must be a dict"),
        ({"fit_kwargs": {"sample_weight": np.ones(N)}}, ValueError, "fit_kwargs must not set sample_weight"),
        ({"fit_kwargs": {"shuffle": "no"}}, TypeError, r"fit_kwargs\['shuffle'\] must be a bool; received"),
        ({"stratified": True}, ValueError, "stratified=True needs class labels .* received y whose values look 'continuous'"),
        ({"cv": 3}, TypeError, "cv must be None or a scikit-learn splitter"),
        ({"cv": KFold(2), "stratified": True}, ValueError, "stratified=True cannot be combined with cv"),
        ({"build_model": 5}, TypeError, "build_model must be a callable with no arguments.*received build_model=5"),
        ({"build_model": lambda: "model"}, TypeError, "build_model must return a keras.Model; it returned 'model'"),
        ({"build_model": _uncompiled}, ValueError, "build_model must return a compiled model; it returned the model 'raw'"),
        ({"build_model": _same_model, "epochs": 1, "k": 2}, ValueError, "build_model must build a fresh model at every call"),
    ],
)
def test_cross_validate_validation(kwargs, error, message):
    x, y = _regression_data()
    build = kwargs.pop("build_model", _build_regression)
    with pytest.raises(error, match=message):
        cross_validate(build, x, y, **kwargs)


def test_cross_validate_data_validation():
    x, y = _regression_data()
    with pytest.raises(ValueError, match=r"x and y must have the same number of samples; received len\(x\)=20 and len\(y\)=19"):
        cross_validate(_build_regression, x, y[:-1])
    with pytest.raises(TypeError, match="y must be a NumPy array"):
        cross_validate(_build_regression, x, {"y": y})
    labels = np.array([0] * 18 + [1] * 2)
    with pytest.raises(ValueError, match="stratified=True needs at least k=4 samples of every class; received class 1 with only 2"):
        cross_validate(_build_binary, x, labels, k=4, stratified=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"repeats": 0}, ValueError, "repeats must be >= 1; received repeats=0"),
        ({"repeats": 1.5}, TypeError, "repeats must be an int"),
        ({"k": 1}, ValueError, "k must be >= 2"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"stratified": "no"}, TypeError, "stratified must be a bool"),
    ],
)
def test_iterated_kfold_validation(kwargs, error, message):
    x, y = _regression_data()
    with pytest.raises(error, match=message):
        iterated_kfold(_build_regression, x, y, **kwargs)


# --- bad data is rejected before the first fit; progress bar ---------------------------------


def _build_softmax(loss="sparse_categorical_crossentropy"):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs), name="tiny_softmax")
    model.compile(optimizer="rmsprop", loss=loss)
    return model


@pytest.mark.parametrize(
    ("build", "change", "match"),
    [
        (_build_regression, lambda x, y: (np.where(x > 1, np.nan, x), y), r"x must hold finite numbers; received x with \d+ NaN"),
        (_build_regression, lambda x, y: (np.where(x > 1, -np.inf, x), y), r"x must hold finite numbers"),
        (_build_regression, lambda x, y: (x, np.where(y > 1, np.inf, y)), r"y must hold finite numbers"),
        (_build_regression, lambda x, y: (x[:, :2], y), r"x must hold samples of shape \(3,\) to fit model 'tiny_regression'; received x with shape \(20, 2\)"),
        (_build_binary, lambda x, y: (x, np.arange(len(y)) % 3), r"y must hold targets in \[0, 1\] .*received y from 0 to 2"),
        (_build_softmax, lambda x, y: (x, np.arange(len(y)) % 4), r"y must hold class indices 0..2 for a model with 3 output units; received y with values \[0, 1, 2, 3\]"),
        (_build_softmax, lambda x, y: (x, np.eye(3)[np.arange(len(y)) % 3]), r"y must hold class indices for a model compiled with loss='sparse_categorical_crossentropy'"),
        (functools.partial(_build_softmax, "categorical_crossentropy"), lambda x, y: (x, np.arange(len(y)) % 3), r"y must hold one-hot rows for a model compiled with loss='categorical_crossentropy'"),
    ],
)
def test_kfold_rejects_bad_data_before_the_first_fit(build, change, match):
    x, y = change(*_regression_data())
    counter = _Counter(build)
    recorder = _WeightRecorder()
    with pytest.raises(ValueError, match=match):
        cross_validate(counter, x, y, k=2, epochs=1, fit_kwargs={"callbacks": [recorder]}, verbose=0)
    assert recorder.start == []  # no fit began
    assert counter.calls <= 1


def test_kfold_takes_one_hot_labels_with_categorical_crossentropy():
    x, _ = _regression_data()
    y = np.eye(3, dtype="float32")[np.arange(len(x)) % 3]
    result = cross_validate(functools.partial(_build_softmax, "categorical_crossentropy"), x, y, k=2, epochs=1, verbose=0)
    assert len(result.scores) == 2


def test_kfold_shows_a_progress_bar_unless_verbose_is_0(capsys):
    x, y = _regression_data()
    cross_validate(_build_regression, x, y, k=2, epochs=1, verbose=1)
    shown = capsys.readouterr().err
    assert "K-fold" in shown and "2/2" in shown and "val_mae" in shown
    iterated_kfold(_build_regression, x, y, k=2, repeats=2, epochs=1, verbose=1)
    assert "4/4" in capsys.readouterr().err
    cross_validate(_build_regression, x, y, k=2, epochs=1, verbose=0)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
