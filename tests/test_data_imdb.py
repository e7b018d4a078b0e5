"""Tests of the IMDB loaders over the raw review archive (extracted once into the Keras cache)."""

from collections import Counter

import numpy as np
import pytest
import tensorflow as tf

import dlcourse.data as data


@pytest.fixture(scope="module")
def subset():
    return data.load_imdb_texts(max_train=400, max_test=100, seed=5)


def test_full_arrays_are_balanced_and_shuffled_once():
    (x_train, y_train), (x_test, y_test) = data.load_imdb_texts()
    assert x_train.shape == (25_000,) and x_test.shape == (25_000,)
    assert x_train.dtype == object and isinstance(x_train[0], str)
    assert y_train.dtype == np.int32
    assert Counter(y_train.tolist()) == {0: 12_500, 1: 12_500} == Counter(y_test.tolist())
    # Shuffled, so the 10,000 held out in notebook 01 hold both classes.
    assert 4_500 < y_train[:10_000].sum() < 5_500


def test_subset_is_stratified_and_reproducible(subset):
    (x_train, y_train), (x_test, y_test) = subset
    assert x_train.shape == (400,) and x_test.shape == (100,)
    assert Counter(y_train.tolist()) == {0: 200, 1: 200}
    assert Counter(y_test.tolist()) == {0: 50, 1: 50}
    (x_again, y_again), _ = data.load_imdb_texts(max_train=400, max_test=100, seed=5)
    assert list(x_again) == list(x_train) and list(y_again) == list(y_train)
    (x_other, _), _ = data.load_imdb_texts(max_train=400, max_test=100, seed=6)
    assert list(x_other) != list(x_train)


def test_as_numpy_returns_the_arrays(subset):
    (x_train, y_train), _ = data.load_imdb_reviews(max_train=400, max_test=100, seed=5, as_numpy=True)
    assert list(x_train) == list(subset[0][0])


def test_full_datasets_come_from_text_dataset_from_directory():
    train_ds, test_ds = data.load_imdb_reviews(batch_size=64)
    assert train_ds.class_names == ["neg", "pos"] == test_ds.class_names
    assert train_ds.element_spec == (tf.TensorSpec((None,), tf.string), tf.TensorSpec((None,), tf.int32))
    assert int(train_ds.cardinality()) == int(test_ds.cardinality()) == 391  # ceil(25000 / 64)
    texts, labels = next(iter(train_ds))
    assert texts.shape == (64,) and set(labels.numpy().tolist()) <= {0, 1}


def test_subset_datasets_hold_the_chosen_reviews_and_reshuffle(subset):
    train_ds, test_ds = data.load_imdb_reviews(max_train=400, max_test=100, seed=5, batch_size=32)
    assert train_ds.element_spec == (tf.TensorSpec((None,), tf.string), tf.TensorSpec((None,), tf.int32))
    assert int(train_ds.cardinality()) == 13 and int(test_ds.cardinality()) == 4
    epochs = [[t.decode() for x, _ in train_ds for t in x.numpy()] for _ in range(2)]
    assert sorted(epochs[0]) == sorted(epochs[1]) == sorted(subset[0][0])
    assert epochs[0] != epochs[1]  # a new order every epoch
    test_texts = [t.decode() for x, _ in test_ds for t in x.numpy()]
    assert test_texts == list(subset[1][0])  # the test set keeps its order


def test_options_are_validated():
    with pytest.raises(TypeError, match="as_numpy must be a bool; received as_numpy='yes'"):
        data.load_imdb_reviews(as_numpy="yes")
    with pytest.raises(ValueError, match="batch_size must be >= 1; received batch_size=0"):
        data.load_imdb_reviews(batch_size=0)
    with pytest.raises(ValueError, match=r"max_train must be None or between 1 and 25,000"):
        data.load_imdb_texts(max_train=25_001)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        data.load_imdb_texts(seed=-3)


def test_word_index():
    word_index = data.load_imdb_word_index()
    assert len(word_index) == 88_584
    assert word_index["the"] == 1 and word_index["movie"] == 17 and word_index["film"] == 19


def test_multi_hot_vectorizer_on_reviews(subset):
    (x_train, _), _ = subset
    vectorizer = data.multi_hot_vectorizer(x_train, max_tokens=2000)
    vocabulary = vectorizer.get_vocabulary()
    assert len(vocabulary) == 2000 and vocabulary[0] == "[UNK]" and vocabulary[1] == "the"
    assert "br" not in vocabulary and "<br" not in vocabulary
    vectors = vectorizer(x_train[:8].tolist()).numpy()
    assert vectors.shape == (8, 2000) and set(np.unique(vectors)) <= {0.0, 1.0}
    assert vectorizer(["<br /><br />"]).numpy().sum() == 0
