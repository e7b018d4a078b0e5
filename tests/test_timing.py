"""Tests of dlcourse.timing: the epoch timer callback and the per-image inference time.

Times are never compared with figures (they depend on the machine); the tests check what is
recorded and how.
"""

import math

import keras
import numpy as np
import pytest

from dlcourse import timing
from dlcourse.timing import epoch_timer, seconds_per_image


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_epoch_timer_records_one_time_per_epoch():
    timer = epoch_timer()
    assert isinstance(timer, keras.callbacks.Callback)
    assert math.isnan(timer.seconds_per_epoch())
    _model().fit(np.zeros((8, 3)), np.zeros(8), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 3 and all(s > 0 for s in timer.seconds)
    assert timer.seconds_per_epoch() == float(np.median(timer.seconds[1:]))
    assert epoch_timer() is not timer and epoch_timer().seconds == []  # a fresh timer each call


def test_epoch_timer_single_epoch_and_class_built_once():
    timer = epoch_timer()
    timer.seconds = [2.0]
    assert timer.seconds_per_epoch() == 2.0
    timer.seconds = [10.0, 1.0, 3.0, 2.0]
    assert timer.seconds_per_epoch() == 2.0  # the first epoch is left out
    assert type(epoch_timer()) is type(epoch_timer())  # the class is built once


def test_seconds_per_image_divides_the_fastest_run_by_the_batch(monkeypatch):
    calls = []

    def model(batch, training):
        calls.append((len(batch), training))
        return np.zeros(len(batch))

    ticks = iter([0.0, 4.0, 10.0, 12.0, 20.0, 23.0])  # timed runs of 4, 2 and 3 seconds
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(ticks))
    assert seconds_per_image(model, np.zeros((8, 2)), repeats=3) == 2.0 / 8
    assert calls == [(8, False)] * 4  # one warm-up run, then three timed runs


def test_seconds_per_image_with_a_keras_model():
    assert seconds_per_image(_model(), np.zeros((4, 3), "float32"), repeats=1) > 0


@pytest.mark.parametrize(
    ("model", "images", "kwargs", "error", "message"),
    [
        ("model", np.zeros((2, 3)), {}, TypeError, r"model must be a callable Keras model; received model of type str"),
        (None, [[0, 0, 0]], {}, TypeError, r"model must be a callable"),
        (len, [[0, 0, 0]], {}, TypeError, r"images must be a NumPy array holding one batch; received images of type list"),
        (len, np.zeros((0, 3)), {}, ValueError, r"images must hold at least one image; received images with shape \(0, 3\)"),
        (len, np.zeros(()), {}, ValueError, r"images must hold at least one image"),
        (len, np.zeros((2, 3)), {"repeats": 0}, ValueError, r"repeats must be >= 1; received repeats=0"),
        (len, np.zeros((2, 3)), {"repeats": 1.5}, TypeError, r"repeats must be an int"),
    ],
)
def test_seconds_per_image_validation(model, images, kwargs, error, message):
    with pytest.raises(error, match=message):
        seconds_per_image(model, images, **kwargs)
