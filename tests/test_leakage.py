"""Tests of dlcourse.leakage: class-sorted order, sliding windows, duplicates within and across sets."""

import numpy as np
import pytest

from dlcourse.leakage import add_duplicates, drop_duplicates, find_duplicates, sliding_windows, sort_by_class

# --- sort_by_class ---------------------------------------------------------------------------


def test_sort_by_class_is_stable_and_keeps_pairs():
    x = np.arange(8) * 10
    y = np.array([2, 0, 1, 0, 2, 1, 0, 2])
    x_sorted, y_sorted = sort_by_class(x, y)
    assert y_sorted.tolist() == [0, 0, 0, 1, 1, 2, 2, 2]
    assert x_sorted.tolist() == [10, 30, 60, 20, 50, 0, 40, 70]  # stable within a class


def test_sort_by_class_accepts_one_hot_and_keeps_encoding():
    y = np.eye(3)[[2, 0, 1]]
    x_sorted, y_sorted = sort_by_class(np.array([[5], [6], [7]]), y)
    assert x_sorted.ravel().tolist() == [6, 7, 5]
    assert y_sorted.shape == (3, 3) and np.argmax(y_sorted, axis=1).tolist() == [0, 1, 2]


def test_sort_by_class_rejects_regression_targets_and_bad_lengths():
    with pytest.raises(ValueError, match="sort_by_class=True needs class labels"):
        sort_by_class(np.zeros((4, 1)), np.array([0.1, 0.5, 2.3, 1.7]))
    with pytest.raises(ValueError, match="same number of samples"):
        sort_by_class(np.zeros((4, 1)), np.array([0, 1, 0]))
    with pytest.raises(TypeError, match="x must be a NumPy array"):
        sort_by_class(3, np.array([0, 1]))


# --- sliding_windows -------------------------------------------------------------------------


def test_sliding_windows_values_and_target_times():
    series = np.arange(10.0) ** 2
    x, y, t = sliding_windows(series, 3, horizon=2)
    assert x.shape == (6, 3) and y.shape == (6,) and t.tolist() == list(range(4, 10))
    for i in range(6):
        assert x[i].tolist() == series[i : i + 3].tolist()
        assert y[i] == series[i + 4] and t[i] == i + 4
    assert np.all(t > np.arange(6) + 2)  # every target lies after its window


def test_sliding_windows_default_horizon_and_lists():
    x, y, t = sliding_windows([1, 2, 3, 4], 2)
    assert x.tolist() == [[1, 2], [2, 3]] and y.tolist() == [3, 4] and t.tolist() == [2, 3]


def test_sliding_windows_validation():
    with pytest.raises(TypeError, match="series must be a 1-D sequence"):
        sliding_windows("abc", 2)
    with pytest.raises(TypeError, match="series must hold real numbers"):
        sliding_windows(np.array(["a", "b", "c"]), 1)
    with pytest.raises(ValueError, match="series must be 1-D"):
        sliding_windows(np.zeros((5, 2)), 2)
    with pytest.raises(ValueError, match="window must be >= 1"):
        sliding_windows(np.zeros(5), 0)
    with pytest.raises(TypeError, match="horizon must be an int"):
        sliding_windows(np.zeros(5), 2, horizon=1.5)
    with pytest.raises(ValueError, match="at least window \\+ horizon = 6 values; received 5"):
        sliding_windows(np.zeros(5), 3, horizon=3)


# --- find_duplicates / drop_duplicates ---------------------------------------------------------


def test_find_duplicates_within_one_set_counts_repeats_not_first_copies():
    x = np.array([[1, 2], [3, 4], [1, 2], [5, 6], [1, 2], [3, 4]])
    assert find_duplicates(x).tolist() == [2, 4, 5]
    assert np.delete(x, find_duplicates(x), axis=0).tolist() == [[1, 2], [3, 4], [5, 6]]
    assert find_duplicates(np.eye(3)).tolist() == []


def test_find_duplicates_across_sets_and_disjointness():
    train = np.arange(12.0).reshape(6, 2)
    test = np.array([[2.0, 3.0], [100.0, 0.0], [10.0, 11.0]])
    assert find_duplicates(test, reference=train).tolist() == [0, 2]
    assert find_duplicates(test[1:2], reference=train).size == 0


def test_find_duplicates_compares_values_not_dtypes_or_signed_zero_and_images():
    ints = np.array([[1, 0], [2, 2]])
    floats = np.array([[1.0, -0.0], [7.0, 7.0]])
    assert find_duplicates(floats, reference=ints).tolist() == [0]
    images = np.zeros((3, 4, 4, 1))
    images[1, 0, 0, 0] = 1.0
    assert find_duplicates(images).tolist() == [2]


def test_find_duplicates_decimals_catches_near_duplicates_and_nan_rows():
    x = np.array([[0.1, 1.0], [0.1 + 1e-9, 1.0], [np.nan, 2.0], [np.nan, 2.0]])
    assert find_duplicates(x).tolist() == [3]
    assert find_duplicates(x, decimals=6).tolist() == [1, 3]


def test_find_duplicates_texts():
    train = ["a great film", "awful", "so so"]
    assert find_duplicates(["awful", "new text", "a great film"], reference=train).tolist() == [0, 2]
    assert find_duplicates(np.array(["x", "y", "x"])).tolist() == [2]


def test_find_duplicates_validation():
    with pytest.raises(TypeError, match="x must be a NumPy array of samples or a list of texts"):
        find_duplicates(5)
    with pytest.raises(ValueError, match="x must hold at least one sample"):
        find_duplicates(np.zeros((0, 3)))
    with pytest.raises(TypeError, match="only numbers or only texts"):
        find_duplicates(np.array(["a", 3], dtype=object))
    with pytest.raises(ValueError, match="text must be 1-D"):
        find_duplicates(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match="x must be numeric"):
        find_duplicates(np.array([1 + 2j, 3j]))
    with pytest.raises(ValueError, match="feature shape \\(3,\\)"):
        find_duplicates(np.zeros((2, 2)), reference=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="texts"):
        find_duplicates(np.zeros((2, 2)), reference=["a", "b"])
    with pytest.raises(TypeError, match="decimals must be an int"):
        find_duplicates(np.zeros((2, 2)), decimals=2.5)


def test_drop_duplicates_keeps_first_occurrence_and_targets():
    x = np.array([[1], [2], [1], [3], [2]])
    y = np.array([10, 20, 11, 30, 21])
    x_u, y_u = drop_duplicates(x, y)
    assert x_u.ravel().tolist() == [1, 2, 3] and y_u.tolist() == [10, 20, 30]
    x_t, y_t = drop_duplicates(["b", "a", "b"], [0, 1, 0])
    assert x_t.tolist() == ["b", "a"] and y_t.tolist() == [0, 1]


def test_drop_duplicates_validation():
    with pytest.raises(ValueError, match="same number of samples"):
        drop_duplicates(np.zeros((3, 1)), np.zeros(2))


# --- add_duplicates ---------------------------------------------------------------------------


def test_add_duplicates_keeps_every_sample_and_pairs():
    x = np.arange(50)[:, None] * 1.0
    y = np.arange(50) * 2
    x_dup, y_dup = add_duplicates(x, y, fraction=0.4, max_copies=3, seed=1)
    assert np.all(y_dup == 2 * x_dup.ravel())  # pairs kept together
    assert set(x_dup.ravel().tolist()) == set(x.ravel().tolist())  # every sample at least once
    counts = np.bincount(x_dup.ravel().astype(int), minlength=50)
    assert counts.max() <= 4 and len(x_dup) == 50 + len(find_duplicates(x_dup))
    again, _ = add_duplicates(x, y, fraction=0.4, max_copies=3, seed=1)
    assert np.array_equal(x_dup, again)  # seeded


def test_add_duplicates_edges():
    x, y = np.arange(5)[:, None], np.arange(5)
    x0, y0 = add_duplicates(x, y, fraction=0.0)
    assert sorted(x0.ravel().tolist()) == [0, 1, 2, 3, 4] and len(find_duplicates(x0)) == 0
    x1, _ = add_duplicates(x, y, fraction=1.0, max_copies=1)
    assert np.bincount(x1.ravel()).tolist() == [2, 2, 2, 2, 2]


def test_add_duplicates_validation():
    x, y = np.zeros((4, 1)), np.zeros(4)
    with pytest.raises(ValueError, match="fraction must be <= 1"):
        add_duplicates(x, y, fraction=1.5)
    with pytest.raises(ValueError, match="max_copies must be >= 1"):
        add_duplicates(x, y, max_copies=0)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        add_duplicates(x, y, seed=-1)
    with pytest.raises(ValueError, match="same number of samples"):
        add_duplicates(x, np.zeros(3))
