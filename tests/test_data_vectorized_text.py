"""Tests of dlcourse.data.vectorized_text: the multi-hot vectorizer, vectorize_texts and decode_multi_hot."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import dlcourse.data as data
from dlcourse.data import multi_hot_vectorizer
from dlcourse.data.vectorized_text import decode_multi_hot, vectorize_texts

TEXTS = ["A good film.<br />Good!", "A bad film", "bad, bad, bad", "good acting", "a plot"]


@pytest.fixture(scope="module")
def vectorizer():
    return multi_hot_vectorizer(TEXTS, max_tokens=6)


# --- vectorize_texts -------------------------------------------------------------------------


def test_vectorize_texts_matches_the_layer_row_by_row_in_any_batch_size(vectorizer):
    expected = np.asarray(vectorizer(TEXTS)).astype(np.float32)
    for batch_size in (1, 2, 5, 100):
        out = vectorize_texts(vectorizer, np.array(TEXTS, dtype=object), batch_size=batch_size)
        assert out.dtype == np.float32 and out.shape == (5, 6)
        np.testing.assert_array_equal(out, expected)
    assert set(np.unique(expected)) == {0.0, 1.0}


def test_vectorize_texts_dtype_and_a_list_input(vectorizer):
    out = vectorize_texts(vectorizer, ["good film", "unseen words"], dtype="uint8")
    assert out.dtype == np.uint8
    vocabulary = vectorizer.get_vocabulary()
    assert decode_multi_hot(out[0], vocabulary) == sorted(["good", "film"], key=vocabulary.index)
    assert decode_multi_hot(out[1], vocabulary) == ["[UNK]"]


def test_vectorize_texts_width_is_max_tokens_with_padding():
    layer = keras.layers.TextVectorization(max_tokens=20, output_mode="count", pad_to_max_tokens=True)
    layer.adapt(["a a b"])
    out = vectorize_texts(layer, ["a a b c"])
    assert out.shape == (1, 20)
    assert out[0, :3].tolist() == [1.0, 2.0, 1.0]  # [UNK] (c), a twice, b once


def test_vectorize_texts_validation(vectorizer):
    with pytest.raises(TypeError, match="vectorizer must be a keras.layers.TextVectorization"):
        vectorize_texts(keras.layers.Dense(2), TEXTS)
    int_layer = keras.layers.TextVectorization(output_mode="int")
    int_layer.adapt(TEXTS)
    with pytest.raises(ValueError, match="fixed-width output_mode .* received output_mode='int'"):
        vectorize_texts(int_layer, TEXTS)
    unadapted = keras.layers.TextVectorization(max_tokens=10, output_mode="multi_hot")
    with pytest.raises(ValueError, match=r"must be adapted .* vocabulary_size\(\)=1"):
        vectorize_texts(unadapted, TEXTS)
    with pytest.raises(TypeError, match="texts must be a list or NumPy array of str; received texts='a good film'"):
        vectorize_texts(vectorizer, "a good film")
    with pytest.raises(TypeError, match=r"texts must hold str; received texts\[1\]=3"):
        vectorize_texts(vectorizer, ["a", 3])
    with pytest.raises(ValueError, match="texts must hold at least one text"):
        vectorize_texts(vectorizer, [])
    with pytest.raises(ValueError, match=r"texts must be one-dimensional .* shape \(1, 2\)"):
        vectorize_texts(vectorizer, np.array([["a", "b"]], dtype=object))
    with pytest.raises(ValueError, match="batch_size must be >= 1; received batch_size=0"):
        vectorize_texts(vectorizer, TEXTS, batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        vectorize_texts(vectorizer, TEXTS, batch_size=2.0)
    with pytest.raises(TypeError, match="dtype must be a NumPy dtype"):
        vectorize_texts(vectorizer, TEXTS, dtype=object())


# --- decode_multi_hot ------------------------------------------------------------------------


def test_decode_multi_hot_words_in_vocabulary_order():
    vocabulary = ["[UNK]", "the", "movie", "good"]
    assert decode_multi_hot(np.array([0.0, 1.0, 0.0, 1.0]), vocabulary) == ["the", "good"]
    assert decode_multi_hot([3, 0, 2, 0], tuple(vocabulary)) == ["[UNK]", "movie"]  # counts: non-zero
    assert decode_multi_hot(np.zeros(4), np.array(vocabulary)) == []
    assert decode_multi_hot(np.array([True, False, False, False]), vocabulary) == ["[UNK]"]


def test_decode_multi_hot_round_trip_gives_the_texts_words(vectorizer):
    vocabulary = vectorizer.get_vocabulary()
    vectors = vectorize_texts(vectorizer, TEXTS)
    assert decode_multi_hot(vectors[1], vocabulary) == sorted(["a", "bad", "film"], key=vocabulary.index)


def test_decode_multi_hot_validation():
    vocabulary = ["[UNK]", "a"]
    with pytest.raises(ValueError, match=r"vector and vocabulary must have the same length; received len\(vector\)=3"):
        decode_multi_hot([0, 1, 1], vocabulary)
    with pytest.raises(ValueError, match=r"vector must be 1-D .* received shape \(1, 2\)"):
        decode_multi_hot([[0, 1]], vocabulary)
    with pytest.raises(TypeError, match="vector must be a 1-D array of numbers; received dtype <U1"):
        decode_multi_hot(["a", "b"], vocabulary)
    with pytest.raises(TypeError, match="vector must be a 1-D array of numbers; received vector='01'"):
        decode_multi_hot("01", vocabulary)
    with pytest.raises(TypeError, match="vocabulary must be a list of str; received vocabulary='ab'"):
        decode_multi_hot([0, 1], "ab")
    with pytest.raises(TypeError, match=r"vocabulary must hold str; received vocabulary\[1\]=2"):
        decode_multi_hot([0, 1], ["[UNK]", 2])


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
    with pytest.raises(TypeError, match="texts must be a list or NumPy array of str, or a tf.data.Dataset of strings; received texts='a text'"):
        data.multi_hot_vectorizer("a text")
    with pytest.raises(ValueError, match="texts must hold at least one text"):
        data.multi_hot_vectorizer([])
    labelled = tf.data.Dataset.from_tensor_slices((["a"], [1]))
    with pytest.raises(TypeError, match=r"map the labels away first, ds.map\(lambda x, y: x\)"):
        data.multi_hot_vectorizer(labelled)


def test_vectorize_texts_int_sequences_match_the_layer():
    layer = keras.layers.TextVectorization(output_mode="int", output_sequence_length=3)
    layer.adapt(TEXTS)
    out = vectorize_texts(layer, TEXTS, batch_size=1, dtype="int32")
    assert out.shape == (len(TEXTS), 3) and out.dtype == np.int32
    np.testing.assert_array_equal(out, np.asarray(layer(list(TEXTS))))  # padded or cut to 3 indices
