"""Tests of dlcourse.data.preprocessing and of the reproducible subsets of dlcourse.data._subset."""

from collections import Counter

import numpy as np
import pytest
import tensorflow as tf

import dlcourse.data as data
from dlcourse.data import _subset


# --- multi_hot -------------------------------------------------------------------------------


def test_multi_hot_marks_each_index_once():
    out = data.multi_hot([[1, 3, 3], [], np.array([0, 4])], 5)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 1, 0, 1, 0], [0, 0, 0, 0, 0], [1, 0, 0, 0, 1]])


def test_multi_hot_takes_an_object_array_of_lists():
    sequences = np.empty(2, dtype=object)
    sequences[0], sequences[1] = [1, 2], [2]
    assert data.multi_hot(sequences, 3).tolist() == [[0, 1, 1], [0, 0, 1]]


def test_multi_hot_validation():
    with pytest.raises(ValueError, match=r"every index must be in \[0, num_words=4\); sequences\[1\] holds 4"):
        data.multi_hot([[0], [1, 4]], 4)
    with pytest.raises(ValueError, match=r"sequences\[0\] holds -1"):
        data.multi_hot([[-1]], 4)
    with pytest.raises(ValueError, match="num_words must be >= 1; received num_words=0"):
        data.multi_hot([[0]], 0)
    with pytest.raises(TypeError, match="num_words must be an int; received num_words=10.0"):
        data.multi_hot([[0]], 10.0)
    with pytest.raises(TypeError, match=r"sequences\[0\] must be a flat sequence of ints; received dtype float64"):
        data.multi_hot([[0.5]], 4)
    with pytest.raises(TypeError, match=r"sequences\[0\] must be a sequence of ints; received 'ab'"):
        data.multi_hot(["ab"], 4)
    with pytest.raises(TypeError, match="sequences must be a list of integer sequences; received str"):
        data.multi_hot("abc", 4)


# --- decode_indices --------------------------------------------------------------------------


def test_decode_indices_follows_the_keras_offset():
    word_index = {"the": 1, "movie": 2, "was": 3}
    assert data.decode_indices([1, 4, 5, 6, 2, 0], word_index) == "? the movie was ? ?"
    assert data.decode_indices(np.array([1, 2, 3]), word_index, offset=0) == "the movie was"
    assert data.decode_indices([], word_index) == ""


def test_decode_indices_validation():
    with pytest.raises(TypeError, match="word_index must be a dict of words to ints; received list"):
        data.decode_indices([1], ["the"])
    with pytest.raises(ValueError, match="offset must be >= 0; received offset=-1"):
        data.decode_indices([1], {"the": 1}, offset=-1)
    with pytest.raises(TypeError, match=r"indices must hold ints; received indices\[1\]='x'"):
        data.decode_indices([1, "x"], {"the": 1})
    with pytest.raises(TypeError, match="indices must be a sequence of ints; received 'the'"):
        data.decode_indices("the", {"the": 1})


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


# --- text ------------------------------------------------------------------------------------


def test_standardize_review_strips_html_breaks_and_punctuation():
    out = data.standardize_review(tf.constant(["A good film.<br /><br />Good!", "Bad<br/>BAD, bad"])).numpy()
    assert out.tolist() == [b"a good film  good", b"bad bad bad"]


def test_multi_hot_vectorizer_vocabulary_and_output():
    vectorizer = data.multi_hot_vectorizer(["A good film.<br />Good!", "a bad film", "good"], max_tokens=10)
    assert vectorizer.get_vocabulary() == ["[UNK]", "good", "film", "a", "bad"]
    out = vectorizer(["good good unknown"]).numpy()
    np.testing.assert_array_equal(out, [[1, 1, 0, 0, 0]])
    assert vectorizer.get_config()["output_mode"] == "multi_hot"


def test_multi_hot_vectorizer_takes_a_dataset_of_strings():
    ds = tf.data.Dataset.from_tensor_slices(["x y", "y"]).batch(2)
    assert data.multi_hot_vectorizer(ds, max_tokens=5).get_vocabulary() == ["[UNK]", "y", "x"]


def test_multi_hot_vectorizer_validation():
    with pytest.raises(ValueError, match="max_tokens must be >= 2; received max_tokens=1"):
        data.multi_hot_vectorizer(["a"], max_tokens=1)
    with pytest.raises(TypeError, match=r"texts must hold str; received texts\[1\]=3 of type int"):
        data.multi_hot_vectorizer(["a", 3])
    with pytest.raises(TypeError, match="texts must be a list or array of str, or a tf.data.Dataset of strings; received str"):
        data.multi_hot_vectorizer("a text")
    with pytest.raises(ValueError, match="texts must hold at least one text"):
        data.multi_hot_vectorizer([])
    labelled = tf.data.Dataset.from_tensor_slices((["a"], [1]))
    with pytest.raises(TypeError, match=r"map the labels away first, ds.map\(lambda x, y: x\)"):
        data.multi_hot_vectorizer(labelled)


# --- subsets ---------------------------------------------------------------------------------


def test_stratified_subset_keeps_class_shares_and_is_reproducible():
    labels = np.array([0] * 90 + [1] * 9 + [2] * 1)
    indices = _subset.subset_indices(100, 20, seed=0, labels=labels)
    assert len(indices) == 20 and len(set(indices.tolist())) == 20
    assert Counter(labels[indices].tolist()) == {0: 18, 1: 2}
    np.testing.assert_array_equal(indices, _subset.subset_indices(100, 20, seed=0, labels=labels))
    assert not np.array_equal(indices, _subset.subset_indices(100, 20, seed=1, labels=labels))
    assert Counter(labels[_subset.subset_indices(100, 11, seed=0, labels=labels)].tolist()) == {0: 10, 1: 1}


def test_subset_indices_without_size():
    assert _subset.subset_indices(5, None, seed=0) is None
    assert sorted(_subset.subset_indices(5, None, seed=0, shuffle_all=True).tolist()) == [0, 1, 2, 3, 4]
    assert len(_subset.subset_indices(50, 7, seed=0)) == 7
