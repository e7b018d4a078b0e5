import keras
import numpy as np
import pytest

import dlcourse
from dlcourse import training
from dlcourse.training import as_dataset, train, warmup_cosine


def _rates(schedule, steps):
    return [float(schedule(step)) for step in steps]


def test_warmup_cosine_rises_then_decays_to_zero():
    schedule = warmup_cosine(1e-3, 100, warmup=0.1)
    start, peak, middle, end = _rates(schedule, (0, 10, 55, 100))
    assert start == 0.0 and peak == pytest.approx(1e-3) and middle == pytest.approx(5e-4, rel=1e-4)
    assert end == pytest.approx(0.0, abs=1e-9)
    rising = _rates(schedule, range(0, 11))
    falling = _rates(schedule, range(10, 101, 10))
    assert rising == sorted(rising) and falling == sorted(falling, reverse=True)


def test_warmup_cosine_without_warmup_starts_at_the_peak():
    schedule = warmup_cosine(0.01, 50, warmup=0.0)
    assert _rates(schedule, (0, 25, 50)) == pytest.approx([0.01, 0.005, 0.0], abs=1e-8)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(learning_rate=0.0, total_steps=10), ValueError, "learning_rate must be > 0.0; received learning_rate=0.0"),
    (dict(learning_rate="fast", total_steps=10), TypeError, "learning_rate must be a number; received learning_rate='fast'"),
    (dict(learning_rate=1e-3, total_steps=0), ValueError, "total_steps must be >= 1; received total_steps=0"),
    (dict(learning_rate=1e-3, total_steps=10, warmup=1.0), ValueError, "warmup must be < 1.0; received warmup=1.0"),
])
def test_warmup_cosine_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        warmup_cosine(**kwargs)


def test_as_dataset_batches_and_keeps_pairs_together():
    x, y = np.arange(10, dtype="float32")[:, None], np.arange(10)
    ds = as_dataset(x, y, batch_size=4)
    batches = list(ds)
    assert [int(xb.shape[0]) for xb, _ in batches] == [4, 4, 2]
    assert np.array_equal(np.concatenate([yb for _, yb in batches]), y)
    assert all(np.array_equal(xb.numpy()[:, 0], yb.numpy()) for xb, yb in batches)
    assert [int(b.shape[0]) for b in as_dataset(x, batch_size=6)] == [6, 4]  # inputs only


@pytest.mark.parametrize("small_bytes", [2**20, 0], ids=["samples", "indices"])
def test_as_dataset_shuffles_every_epoch_reproducibly(monkeypatch, small_bytes):
    monkeypatch.setattr(training, "_SMALL_BYTES", small_bytes)  # both ways of shuffling
    x = np.arange(64)
    ds = as_dataset(x, batch_size=64, shuffle=True, seed=3)
    first, second = [next(iter(ds)).numpy() for _ in range(2)]
    assert sorted(first) == list(range(64)) and sorted(second) == list(range(64))  # every sample once
    assert not np.array_equal(first, second) and not np.array_equal(first, x)  # a new order each epoch
    again = next(iter(as_dataset(x, batch_size=64, shuffle=True, seed=3))).numpy()
    assert np.array_equal(first, again)  # same seed, same first order


@pytest.mark.parametrize("small_bytes", [2**20, 0], ids=["samples", "indices"])
def test_as_dataset_casts_floats_to_floatx_and_keeps_integers(monkeypatch, small_bytes):
    monkeypatch.setattr(training, "_SMALL_BYTES", small_bytes)
    x, y = np.linspace(0, 1, 12).reshape(6, 2), np.arange(6)  # float64 inputs, int64 labels
    xb, yb = next(iter(as_dataset(x, y, batch_size=6, shuffle=True)))
    assert xb.dtype.name == "float32" and yb.dtype.name == "int64"
    order = yb.numpy()
    np.testing.assert_allclose(xb.numpy(), x[order].astype("float32"))  # pairs kept together


@pytest.mark.parametrize("args, kwargs, error, match", [
    (([1, 2],), {}, TypeError, "x, y must hold NumPy arrays; received x of type list"),
    ((np.zeros(3), [1, 2, 3]), {}, TypeError, "x, y must hold NumPy arrays; received y of type list"),
    ((np.zeros(3), np.zeros(2)), {}, ValueError, "x and y must have the same length; received 3 and 2"),
    ((np.zeros((0, 2)),), {}, ValueError, r"must hold at least one sample; received x of shape \(0, 2\)"),
    ((np.zeros(3),), dict(batch_size=0), ValueError, "batch_size must be >= 1; received batch_size=0"),
    ((np.zeros(3),), dict(shuffle="yes"), TypeError, "shuffle must be a bool"),
])
def test_as_dataset_validation(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        as_dataset(*args, **kwargs)


def _blobs(n=256, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = 0.5 * rng.normal(size=(n, 4)).astype("float32") + 2.0 * np.eye(3, 4, dtype="float32")[y]
    return x, y


def _model():
    dlcourse.set_seed(0)
    return dlcourse.build_dense((4,), "multiclass", num_classes=3, units=(16,))


def test_train_learns_and_ends_with_a_zero_rate():
    x, y = _blobs()
    model = _model()
    history = train(model, "multiclass", x, y, epochs=4, batch_size=32, learning_rate=0.03,
                    validation_data=_blobs(64, seed=1), verbose=0)
    assert history.epoch == [0, 1, 2, 3]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.8
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.loss == "sparse_categorical_crossentropy"
    steps = 4 * 8
    assert int(model.optimizer.iterations) == steps
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)  # the schedule has run out


def test_train_is_reproducible_with_the_same_seed():
    x, y = _blobs()
    losses = []
    for _ in range(2):
        model = _model()
        losses.append(train(model, "multiclass", x, y, epochs=2, batch_size=64, verbose=0).history["loss"])
    assert losses[0] == losses[1]


def test_train_constant_schedule_keeps_the_rate():
    x, y = _blobs(64)
    model = _model()
    train(model, "multiclass", x, y, epochs=1, optimizer="rmsprop", learning_rate=1e-3, schedule="constant",
          verbose=0)
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(model="model"), TypeError, "model must be a keras.Model; received model of type str"),
    (dict(y=None), TypeError, "y must be a NumPy array of targets; received y=None"),
    (dict(epochs=0), ValueError, "epochs must be >= 1; received epochs=0"),
    (dict(batch_size=1.5), TypeError, "batch_size must be an int; received batch_size=1.5"),
    (dict(optimizer=keras.optimizers.Adam()), TypeError, "optimizer must be a name such as 'adam'; received"),
    (dict(optimizer="adamm"), ValueError, "optimizer must be the name of a Keras optimizer"),
    (dict(learning_rate=-1.0), ValueError, "learning_rate must be > 0.0; received learning_rate=-1.0"),
    (dict(schedule="cosine"), ValueError, "schedule must be one of 'warmup_cosine', 'constant'; received schedule='cosine'"),
    (dict(warmup=-0.1), ValueError, "warmup must be >= 0.0; received warmup=-0.1"),
    (dict(validation_data=[1, 2]), TypeError, "validation_data must be None or a tuple"),
    (dict(validation_data=(np.zeros((3, 4)), np.zeros(2))), ValueError, "validation_data: x and y must have the same length"),
    (dict(callbacks="early"), TypeError, "callbacks must be a list"),
    (dict(task="binary"), ValueError, "task='binary' needs a model with one sigmoid output unit"),
    (dict(label_smoothing=1.0), ValueError, r"label_smoothing must be < 1.0; received label_smoothing=1.0"),
])
def test_train_validation(kwargs, error, match):
    x, y = _blobs(32)
    args = dict(model=_model(), task="multiclass", x=x, y=y, epochs=1)
    args.update(kwargs)
    model, task, x, y = args.pop("model"), args.pop("task"), args.pop("x"), args.pop("y")
    with pytest.raises(error, match=match):
        train(model, task, x, y, **args)


# --- bad data is rejected before any training --------------------------------------------------


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda x, y: (np.where(x > 2.5, np.nan, x), y), r"x must hold finite numbers; received x with \d+ NaN"),
        (lambda x, y: (np.where(x > 2.5, np.inf, x), y), r"x must hold finite numbers; received x with \d+ NaN or infinite"),
        (lambda x, y: (x[:, :3], y), r"x must hold samples of shape \(4,\) to fit model .*received x with shape \(32, 3\)"),
        (lambda x, y: (x, y + 1), r"y must hold class indices 0..2 for a model with 3 output units; received y with values \[1, 2, 3\]"),
        (lambda x, y: (x, -y), r"y must hold class indices 0..2 .*received y with values \[-2, -1, 0\]"),
        (lambda x, y: (x, y + 0.5), r"y must hold class indices 0..2"),
        (lambda x, y: (x, np.eye(4)[y]), r"y must hold class indices of shape \(n,\) or one-hot rows of shape \(n, 3\)"),
        (lambda x, y: (x, 2 * np.eye(3)[y]), r"y of shape \(32, 3\) must hold one-hot rows"),
        (lambda x, y: (x, np.where(y == 0, np.nan, y)), r"y must hold finite numbers"),
    ],
)
def test_train_rejects_bad_data_before_training(change, match):
    model = _model()
    x, y = change(*_blobs(32))
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=match):
        train(model, "multiclass", x, y, epochs=1, verbose=0)
    assert not model.compiled  # rejected before compiling, let alone training
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_train_rejects_bad_validation_data():
    x, y = _blobs(32)
    with pytest.raises(ValueError, match=r"validation_data\[0\] must hold finite numbers"):
        train(_model(), "multiclass", x, y, epochs=1, validation_data=(np.full_like(x, np.nan), y), verbose=0)
    with pytest.raises(ValueError, match=r"validation_data\[1\] must hold class indices 0..2"):
        train(_model(), "multiclass", x, y, epochs=1, validation_data=(x, y + 3), verbose=0)
    with pytest.raises(ValueError, match=r"validation_data\[1\] must hold labels in the same form as y"):
        train(_model(), "multiclass", x, y, epochs=1, validation_data=(x, np.eye(3)[y]), verbose=0)


def test_train_rejects_binary_labels_other_than_0_and_1():
    x, y = _blobs(32)
    model = dlcourse.build_dense((4,), "binary", units=(8,))
    with pytest.raises(ValueError, match=r"y must hold the labels 0 and 1 for task='binary'; received y with values \[0, 1, 2\]"):
        train(model, "binary", x, y, epochs=1, verbose=0)


def test_train_takes_one_hot_labels_and_learns_the_same_task():
    x, y = _blobs()
    sparse, one_hot = _model(), _model()
    h_sparse = train(sparse, "multiclass", x, y, epochs=2, batch_size=32, verbose=0)
    h_one_hot = train(one_hot, "multiclass", x, np.eye(3, dtype="float32")[y], epochs=2, batch_size=32, verbose=0)
    assert one_hot.loss == "categorical_crossentropy" and sparse.loss == "sparse_categorical_crossentropy"
    # the same seed, data order and weights: the two losses are the same function of the labels
    np.testing.assert_allclose(h_one_hot.history["loss"], h_sparse.history["loss"], rtol=1e-5)


def test_train_label_smoothing_matches_keras_on_one_hot_targets():
    x, y = _blobs()
    smoothed = _model()
    history = train(smoothed, "multiclass", x, y, epochs=1, batch_size=256, label_smoothing=0.2, verbose=0)
    # left compiled with the task's own loss: evaluate takes class indices, as train did
    assert smoothed.loss == "sparse_categorical_crossentropy"
    probs = smoothed.predict(x, verbose=0)
    loss, _ = smoothed.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(len(y)), y])), rel=1e-4)  # plain cross-entropy
    # the one-epoch loss (a single step) is Keras's smoothed cross-entropy of the first weights' outputs
    fresh = _model()
    targets = 0.8 * np.eye(3)[y] + 0.2 / 3
    expected = -np.mean(np.sum(targets * np.log(fresh.predict(x, verbose=0)), axis=1))
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-4)


def test_train_label_smoothing_for_binary_labels():
    x, y = _blobs()
    labels = (y == 0).astype(int)
    dlcourse.set_seed(0)
    model = dlcourse.build_dense((4,), "binary", units=(8,))
    dlcourse.set_seed(0)
    p = dlcourse.build_dense((4,), "binary", units=(8,)).predict(x, verbose=0)[:, 0]
    targets = 0.9 * labels + 0.05  # Keras smooths binary targets towards 0.5
    expected = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    history = train(model, "binary", x, labels, epochs=1, batch_size=256, label_smoothing=0.1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-4)
    assert model.loss == "binary_crossentropy"  # the task's own loss again after training


def test_train_label_smoothing_only_for_classification():
    x, y = _blobs(32)
    model = dlcourse.build_dense((4,), "regression", units=(8,))
    with pytest.raises(ValueError, match=r"label_smoothing applies to task='binary' or 'multiclass'; received "
                                         r"label_smoothing=0.1 with task='regression'"):
        train(model, "regression", x, y.astype("float32"), epochs=1, label_smoothing=0.1, verbose=0)
