"""Tests of the smoothing in dlcourse.evaluation.result: smooth_curve and CVResult's smoothed mean curve."""

import ml_dtypes
import numpy as np
import pandas as pd
import pytest

from dlcourse.evaluation.result import CVResult, smooth_curve


def _ema(values, factor):
    """The bias-corrected exponential moving average by its definition: point t weights value i by factor ** (t - i)."""
    values = np.asarray(values, dtype=float)
    return np.array([np.average(values[: t + 1], weights=factor ** np.arange(t, -1, -1)) for t in range(values.size)])


def _result(curves, metric="val_mae"):
    rows = [
        {"repeat": 0, "fold": fold, "epoch": epoch, "metric": metric, "value": value}
        for fold, values in enumerate(curves)
        for epoch, value in enumerate(values, start=1)
    ]
    scores = pd.DataFrame({"repeat": [0] * len(curves), "fold": range(len(curves))})
    return CVResult(scores=scores, history=pd.DataFrame(rows), val_indices=[], k=len(curves))


def test_smooth_curve_is_the_bias_corrected_average():
    values = [10.0, 0.0, 5.0, 5.0]
    # by hand, factor 0.8: 10; (0 + 0.8 * 10) / 1.8; (5 + 0.8 * 0 + 0.64 * 10) / 2.44; ...
    np.testing.assert_allclose(smooth_curve(values, factor=0.8)[:3], [10.0, 8.0 / 1.8, 11.4 / 2.44])
    np.testing.assert_allclose(smooth_curve(values, factor=0.8), _ema(values, 0.8))
    np.testing.assert_allclose(smooth_curve(np.array(values), factor=0.0), values)
    assert isinstance(smooth_curve(values), np.ndarray)
    series = pd.Series(values, index=[1, 2, 3, 4], name="val_mae")
    smoothed = smooth_curve(series)
    assert isinstance(smoothed, pd.Series) and smoothed.name == "val_mae" and list(smoothed.index) == [1, 2, 3, 4]
    np.testing.assert_allclose(smoothed.to_numpy(), _ema(values, 0.9))


def test_smooth_curve_of_a_short_decreasing_run_ends_near_its_last_values():
    epochs = np.arange(20)
    val_mae = 2.7 + 20.0 * np.exp(-epochs)  # 22.7, 10.1, 5.4, 3.7, ... 2.7: a 20-epoch Boston Housing run
    smoothed = smooth_curve(val_mae, factor=0.9)
    # an EMA that keeps its first value ends at 5.59: 0.9 ** 19 of the first epoch's 22.7 is still in it
    assert abs(smoothed[-1] - val_mae[-5:].mean()) < 0.6
    assert smoothed[0] == val_mae[0]


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
def test_smooth_curve_accepts_16_bit_floats(dtype):
    values = np.array([4.0, 2.0, 1.0, 1.0], dtype=dtype)
    np.testing.assert_allclose(smooth_curve(values, factor=0.5), _ema([4.0, 2.0, 1.0, 1.0], 0.5))


@pytest.mark.parametrize(
    ("values", "factor", "error", "message"),
    [
        ([1.0, 2.0], 1.0, ValueError, r"factor must be < 1.0; received factor=1.0"),
        ([1.0, 2.0], -0.1, ValueError, r"factor must be >= 0.0; received factor=-0.1"),
        ([1.0, 2.0], "0.9", TypeError, r"factor must be a number; received factor='0.9'"),
        ([], 0.9, ValueError, r"values must be a non-empty 1-D sequence; received an array of shape \(0,\)"),
        ([[1.0], [2.0]], 0.9, ValueError, r"values must be a non-empty 1-D sequence; received an array of shape \(2, 1\)"),
        (["a", "b"], 0.9, TypeError, r"values must hold numbers .*received values of dtype <U1"),
        ("abc", 0.9, TypeError, r"values must be a 1-D sequence of numbers; received values='abc' of type str"),
    ],
)
def test_smooth_curve_validation(values, factor, error, message):
    with pytest.raises(error, match=message):
        smooth_curve(values, factor=factor)


def test_mean_curve_smoothed():
    result = _result([[4.0, 2.0, 3.0], [2.0, 1.0, 2.0]])  # mean 3.0, 1.5, 2.5
    assert result.mean_curve("val_mae").tolist() == [3.0, 1.5, 2.5]
    smoothed = result.mean_curve("val_mae", smooth=0.5)
    np.testing.assert_allclose(smoothed.to_numpy(), [3.0, 2.0, 4.0 / 1.75])
    assert smoothed.name == "val_mae" and list(smoothed.index) == [1, 2, 3]
    with pytest.raises(ValueError, match=r"smooth must be < 1.0; received smooth=1.0"):
        result.mean_curve("val_mae", smooth=1.0)
    with pytest.raises(TypeError, match=r"smooth must be a number; received smooth='0.5'"):
        result.mean_curve("val_mae", smooth="0.5")


def test_best_epoch_of_the_smoothed_mean_curve():
    values = [5.0, 1.0, 5.0, 2.0, 2.0, 2.0]  # smoothed with 0.5: 5, 2.33, 3.86, 2.87, 2.42, 2.21
    result = _result([values])
    assert result.best_epoch("val_mae") == 2  # one lucky epoch
    assert result.best_epoch("val_mae", smooth=0.5) == 6
    np.testing.assert_allclose(result.mean_curve("val_mae", smooth=0.5).to_numpy(), _ema(values, 0.5))
