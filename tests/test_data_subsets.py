"""Tests of dlcourse.data.subsets: the loaders' seeded subsets, class selections and few-label samples."""

from collections import Counter

import numpy as np
import pytest

from dlcourse.data.subsets import other_classes, sample_per_class, select_classes, subset_indices


def _toy(n_per_class=6, num_classes=4):
    y = np.tile(np.arange(num_classes), n_per_class).astype(np.uint8)  # uint8 like Fashion-MNIST
    x = np.arange(len(y) * 4, dtype=np.float32).reshape(len(y), 2, 2)
    return x, y


def test_other_classes():
    assert other_classes((0, 6), num_classes=10) == (1, 2, 3, 4, 5, 7, 8, 9)
    assert other_classes([2], num_classes=3) == (0, 1)
    assert other_classes((np.int64(1),), num_classes=2) == (0,)


def test_select_classes_renumbers_in_the_given_order():
    x, y = _toy()
    xs, ys = select_classes(x, y, (3, 1))
    assert ys.dtype == np.int32 and Counter(ys.tolist()) == {0: 6, 1: 6}
    np.testing.assert_array_equal(xs, x[(y == 3) | (y == 1)])  # original order kept
    np.testing.assert_array_equal(ys, np.where(y[(y == 3) | (y == 1)] == 3, 0, 1))


def test_select_classes_source_and_target_partition_the_data():
    x, y = _toy()
    target = (0, 2)
    source = other_classes(target, num_classes=4)
    xs, ys = select_classes(x, y, source)
    xt, yt = select_classes(x, y, target)
    assert len(xs) + len(xt) == len(x)
    assert not set(xs[:, 0, 0].tolist()) & set(xt[:, 0, 0].tolist())
    assert set(ys.tolist()) == {0, 1} == set(yt.tolist())


def test_select_classes_missing_class_selects_nothing():
    x, y = _toy()
    xs, ys = select_classes(x, y, (7,))
    assert xs.shape == (0, 2, 2) and ys.shape == (0,)


def test_sample_per_class_is_balanced_shuffled_and_reproducible():
    x, y = _toy(n_per_class=20, num_classes=3)
    xa, ya = sample_per_class(x, y, 5, seed=1)
    xb, yb = sample_per_class(x, y, 5, seed=1)
    xc, _ = sample_per_class(x, y, 5, seed=2)
    assert Counter(ya.tolist()) == {0: 5, 1: 5, 2: 5}
    np.testing.assert_array_equal(xa, xb)
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(xa, xc)
    assert ya.tolist() != sorted(ya.tolist())  # the classes are mixed, not in blocks
    for row, label in zip(xa, ya):  # rows keep their labels
        assert y[int(row[0, 0]) // 4] == label
    assert len(np.unique(xa[:, 0, 0])) == 15  # no sample twice


def test_sample_per_class_all_samples():
    x, y = _toy(n_per_class=3, num_classes=2)
    xs, ys = sample_per_class(x, y, 3)
    assert sorted(xs[:, 0, 0].tolist()) == sorted(x[:, 0, 0].tolist())


@pytest.mark.parametrize(
    ("classes", "kwargs", "error", "message"),
    [
        ((), {"num_classes": 10}, ValueError, r"classes must hold at least one class label; received classes=\(\)"),
        ("06", {"num_classes": 10}, TypeError, r"classes must be a sequence of class labels such as \(0, 6\)"),
        ((0, 1.5), {"num_classes": 10}, TypeError, r"classes must hold int labels; received classes=\(0, 1.5\)"),
        ((True,), {"num_classes": 10}, TypeError, r"classes must hold int labels"),
        ((0, 0), {"num_classes": 10}, ValueError, r"classes must not repeat a label; received classes=\(0, 0\)"),
        ((0, 10), {"num_classes": 10}, ValueError, r"classes must be labels in \[0, 10\); received classes=\(0, 10\)"),
        ((0, 1), {"num_classes": 2}, ValueError, r"classes must leave at least one of the 2 classes over"),
        ((0,), {"num_classes": 1}, ValueError, r"num_classes must be >= 2; received num_classes=1"),
        ((0,), {"num_classes": "10"}, TypeError, r"num_classes must be an int"),
    ],
)
def test_other_classes_validation(classes, kwargs, error, message):
    with pytest.raises(error, match=message):
        other_classes(classes, **kwargs)


@pytest.mark.parametrize(
    ("x", "y", "classes", "error", "message"),
    [
        ([1, 2], np.array([0, 1]), (0,), TypeError, r"x must be an array with one row per sample; received x of type list"),
        (np.zeros(3), np.zeros((3, 1), int), (0,), ValueError, r"y must be a 1-D array of integer class labels; received y with shape \(3, 1\)"),
        (np.zeros(2), np.array([0.0, 1.0]), (0,), TypeError, r"y must hold integer class labels; received y with dtype float64"),
        (np.zeros(3), np.array([0, 1]), (0,), ValueError, r"x and y must have the same number of samples; received 3 and 2"),
        (np.zeros(2), np.array([0, 1]), 0, TypeError, r"classes must be a sequence"),
    ],
)
def test_select_classes_validation(x, y, classes, error, message):
    with pytest.raises(error, match=message):
        select_classes(x, y, classes)


@pytest.mark.parametrize(
    ("y", "kwargs", "error", "message"),
    [
        (np.array([0, 0, 1]), {"n_per_class": 2}, ValueError, r"n_per_class must be at most the size of the smallest class; received n_per_class=2 but class sizes \{1: 1\}"),
        (np.array([0, 1]), {"n_per_class": 0}, ValueError, r"n_per_class must be >= 1; received n_per_class=0"),
        (np.array([0, 1]), {"n_per_class": 1.0}, TypeError, r"n_per_class must be an int"),
        (np.array([0, 1]), {"n_per_class": 1, "seed": -1}, ValueError, r"seed must be >= 0; received seed=-1"),
        (np.array([], dtype=int), {"n_per_class": 1}, ValueError, r"y must hold at least one sample; received an empty y"),
    ],
)
def test_sample_per_class_validation(y, kwargs, error, message):
    with pytest.raises(error, match=message):
        sample_per_class(np.zeros(len(y)), y, **kwargs)



def test_stratified_subset_keeps_class_shares_and_is_reproducible():
    labels = np.array([0] * 90 + [1] * 9 + [2] * 1)
    indices = subset_indices(100, 20, seed=0, labels=labels)
    assert len(indices) == 20 and len(set(indices.tolist())) == 20
    assert Counter(labels[indices].tolist()) == {0: 18, 1: 2}
    np.testing.assert_array_equal(indices, subset_indices(100, 20, seed=0, labels=labels))
    assert not np.array_equal(indices, subset_indices(100, 20, seed=1, labels=labels))
    assert Counter(labels[subset_indices(100, 11, seed=0, labels=labels)].tolist()) == {0: 10, 1: 1}


def test_subset_indices_without_size():
    assert subset_indices(5, None, seed=0) is None
    assert sorted(subset_indices(5, None, seed=0, shuffle_all=True).tolist()) == [0, 1, 2, 3, 4]
    assert len(subset_indices(50, 7, seed=0)) == 7
