"""Tests of the keras.datasets loaders: Boston Housing, Fashion-MNIST (MNIST offline: see test_data_cache)."""

from collections import Counter

import keras
import numpy as np
import pytest

import dlcourse.data as data


@pytest.fixture(scope="module")
def fashion():
    return data.load_fashion_mnist()


def test_boston_housing_is_keras_split():
    (x_train, y_train), (x_test, y_test) = data.load_boston_housing()
    assert x_train.shape == (404, 13) and y_train.shape == (404,)
    assert x_test.shape == (102, 13) and y_test.shape == (102,)
    (kx_train, ky_train), (kx_test, _) = keras.datasets.boston_housing.load_data()
    np.testing.assert_array_equal(x_train, kx_train)
    np.testing.assert_array_equal(y_train, ky_train)
    np.testing.assert_array_equal(x_test, kx_test)
    assert len(data.BOSTON_FEATURE_NAMES) == 13


def test_boston_housing_subset_is_reproducible():
    (x1, y1), (t1, _) = data.load_boston_housing(max_train=50, max_test=20, seed=3)
    (x2, y2), (t2, _) = data.load_boston_housing(max_train=50, max_test=20, seed=3)
    (x3, _), _ = data.load_boston_housing(max_train=50, seed=4)
    assert x1.shape == (50, 13) and t1.shape == (20, 13)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(t1, t2)
    assert not np.array_equal(x1, x3)
    full = {tuple(row) for row in data.load_boston_housing()[0][0]}
    assert {tuple(row) for row in x1} <= full


def test_fashion_mnist_shapes_and_classes(fashion):
    (x_train, y_train), (x_test, y_test) = fashion
    assert x_train.shape == (60_000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (10_000, 28, 28) and y_test.shape == (10_000,)
    assert sorted(Counter(y_train.tolist()).values()) == [6_000] * 10
    assert data.FASHION_MNIST_CLASS_NAMES[0] == "T-shirt/top" and data.FASHION_MNIST_CLASS_NAMES[9] == "Ankle boot"
    assert len(data.FASHION_MNIST_CLASS_NAMES) == 10 == len(data.MNIST_CLASS_NAMES)


def test_fashion_mnist_subset_is_stratified_and_reproducible(fashion):
    (x1, y1), (t1, u1) = data.load_fashion_mnist(max_train=1000, max_test=200, seed=1)
    (x2, y2), _ = data.load_fashion_mnist(max_train=1000, max_test=200, seed=1)
    (_, y3), _ = data.load_fashion_mnist(max_train=1000, seed=2)
    assert x1.shape == (1000, 28, 28) and t1.shape == (200, 28, 28)
    assert Counter(y1.tolist()) == {c: 100 for c in range(10)}
    assert Counter(u1.tolist()) == {c: 20 for c in range(10)}
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(y1, y3)
    assert len(set(y1[:20].tolist())) > 3  # shuffled, not sorted by class


@pytest.mark.parametrize("loader", [data.load_boston_housing, data.load_fashion_mnist, data.load_mnist])
def test_subset_options_are_validated(loader):
    with pytest.raises(ValueError, match=r"max_train must be None or between 1 and [\d,]+ \(the full size\); received max_train=0"):
        loader(max_train=0)
    with pytest.raises(ValueError, match=r"max_test must be None or between 1 and [\d,]+ .*received max_test=1000000"):
        loader(max_test=1_000_000)
    with pytest.raises(TypeError, match="max_train must be None or an int; received max_train=1.5 of type float"):
        loader(max_train=1.5)
    with pytest.raises(TypeError, match="max_train must be None or an int; received max_train=True"):
        loader(max_train=True)
    with pytest.raises(ValueError, match="seed must be >= 0; received seed=-1"):
        loader(seed=-1)
    with pytest.raises(TypeError, match="seed must be an int; received seed='0'"):
        loader(seed="0")
