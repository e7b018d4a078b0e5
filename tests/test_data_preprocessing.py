"""Tests of dlcourse.data.preprocessing: standardization with training statistics only."""

import numpy as np
import pytest

import dlcourse.data as data


# --- standardize -----------------------------------------------------------------------------


def test_standardize_uses_training_statistics_only():
    x_train = np.array([[1.0, 10.0, 7.0], [3.0, 30.0, 7.0], [5.0, 20.0, 7.0]])
    x_test = np.array([[100.0, 0.0, 8.0]])
    before = x_train.copy()
    train_s, test_s, stats = data.standardize(x_train, x_test)
    np.testing.assert_allclose(train_s.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(train_s[:, :2].std(axis=0), 1.0)
    np.testing.assert_allclose(stats.mean, [3.0, 20.0, 7.0])
    np.testing.assert_allclose(test_s, (x_test - x_train.mean(axis=0)) / [np.std([1, 3, 5]), np.std([10, 30, 20]), 1.0])
    np.testing.assert_array_equal(x_train, before)  # the input is not changed in place
    # The constant third feature: std 1, no NaN.
    assert stats.std[2] == 1.0 and not np.isnan(train_s).any()
    np.testing.assert_array_equal(train_s[:, 2], 0.0)
    np.testing.assert_allclose(stats.transform(x_test), test_s)


def test_standardize_dtypes_and_shapes():
    x_s, stats = data.standardize(np.arange(12, dtype=np.uint8).reshape(4, 3))
    assert x_s.dtype == np.float32 and isinstance(stats, data.Standardization)
    x32, val32, _ = data.standardize(np.arange(16, dtype=np.float32).reshape(4, 2, 2), np.zeros((1, 2, 2)))
    assert x32.dtype == np.float32 and val32.shape == (1, 2, 2)
    mean, std = stats
    assert mean.shape == (3,) and std.shape == (3,)


def test_standardize_validation():
    with pytest.raises(ValueError, match=r"others\[1\] must have x_train's feature shape \(2,\); received shape \(3, 3\)"):
        data.standardize(np.ones((4, 2)), np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="x_train must hold finite numbers"):
        data.standardize(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match=r"others\[0\] must hold finite numbers"):
        data.standardize(np.ones((2, 1)), np.array([[np.inf]]))
    with pytest.raises(TypeError, match="x_train must be a numeric array; received dtype <U1"):
        data.standardize(np.array([["a"]]))
    with pytest.raises(ValueError, match=r"x_train must be an array with at least one sample; received shape \(0, 3\)"):
        data.standardize(np.zeros((0, 3)))
    _, stats = data.standardize(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"x must have the training data's feature shape \(3,\); received shape \(2, 4\)"):
        stats.transform(np.ones((2, 4)))


def test_standardize_matches_scikit_learn_per_pixel():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    x_train, x_test = rng.integers(0, 256, (50, 4, 3)).astype(np.float32), rng.normal(size=(5, 4, 3))
    train_s, test_s, stats = data.standardize(x_train, x_test)
    scaler = StandardScaler().fit(x_train.reshape(50, -1))
    np.testing.assert_allclose(train_s.reshape(50, -1), scaler.transform(x_train.reshape(50, -1)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(test_s.reshape(5, -1), scaler.transform(x_test.reshape(5, -1)), rtol=1e-5, atol=1e-6)
    assert stats.mean.shape == stats.std.shape == (4, 3)
