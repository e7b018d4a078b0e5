"""Preprocessing helpers of the notebooks: multi-hot encodings, decoding, standardization.

* :func:`multi_hot` turns index sequences (Keras IMDB/Reuters style) into 0/1 vectors.
* :func:`decode_indices` turns such a sequence back into words.
* :func:`multi_hot_vectorizer` builds the ``TextVectorization`` multi-hot layer for raw text.
* :func:`standardize` scales features with statistics of the training set only.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from dlcourse._validation import check_int

_STRIP_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'  # keras.layers.TextVectorization's
_HTML_BREAK = r"<br\s*/?>"


def multi_hot(sequences, num_words):
    """Encodes index sequences as multi-hot vectors: ``out[i, j] = 1`` when ``j`` occurs in sequence ``i``.

    Args:
        sequences: a list (or array) of integer sequences, such as Keras's IMDB ``x_train``.
        num_words: the vector length; every index must be in ``[0, num_words)``.

    Returns:
        A float32 array of shape ``(len(sequences), num_words)``.

    Raises:
        TypeError: if ``sequences`` is not a sequence of integer sequences, or ``num_words`` not an int.
        ValueError: if ``num_words < 1`` or an index is negative or ``>= num_words``.

    Example:

    >>> multi_hot([[1, 3], [0]], 4).tolist()
    [[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]]
    """
    num_words = check_int("num_words", num_words, minimum=1)
    if isinstance(sequences, (str, bytes, Mapping)) or not hasattr(sequences, "__len__"):
        raise TypeError(f"sequences must be a list of integer sequences; received {type(sequences).__name__}")
    rows = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise TypeError(f"sequences[{i}] must be a sequence of ints; received {seq!r}")
        row = np.asarray(seq)
        if row.size and (row.ndim != 1 or not np.issubdtype(row.dtype, np.integer)):
            raise TypeError(
                f"sequences[{i}] must be a flat sequence of ints; received dtype {row.dtype}, shape {row.shape}"
            )
        if row.size and (row.min() < 0 or row.max() >= num_words):
            bad = row.min() if row.min() < 0 else row.max()
            raise ValueError(f"every index must be in [0, num_words={num_words}); sequences[{i}] holds {bad}")
        rows.append(row.astype(np.int64, copy=False))
    out = np.zeros((len(rows), num_words), dtype=np.float32)
    for i, row in enumerate(rows):
        out[i, row] = 1.0
    return out


def decode_indices(indices, word_index, *, offset=3):
    """Decodes an index sequence back into words.

    Keras's ``imdb`` and ``reuters`` sequences shift every word index by ``offset`` = 3, keeping
    0 for padding, 1 for the start of a review and 2 for words out of the vocabulary; those and
    unknown indices decode to ``"?"``.

    Args:
        indices: a sequence of ints.
        word_index: the word -> index dict, such as :func:`dlcourse.data.load_imdb_word_index`'s.
        offset: the shift between sequence values and ``word_index`` values.

    Returns:
        The words joined by spaces.

    Raises:
        TypeError: if ``indices`` holds non-ints, ``word_index`` is not a mapping or ``offset`` not an int.
        ValueError: if ``offset`` is negative.

    Example:

    >>> decode_indices([1, 4, 5, 2], {"the": 1, "movie": 2})
    '? the movie ?'
    """
    if not isinstance(word_index, Mapping):
        raise TypeError(f"word_index must be a dict of words to ints; received {type(word_index).__name__}")
    offset = check_int("offset", offset, minimum=0)
    if isinstance(indices, (str, bytes)) or not hasattr(indices, "__iter__"):
        raise TypeError(f"indices must be a sequence of ints; received {indices!r}")
    indices = list(indices)
    for i, value in enumerate(indices):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"indices must hold ints; received indices[{i}]={value!r}")
    reverse = {index: word for word, index in word_index.items()}
    return " ".join(reverse.get(int(i) - offset, "?") if i >= offset else "?" for i in indices)


class Standardization(NamedTuple):
    """The training-set statistics :func:`standardize` used (``std`` is 1 for constant features)."""

    mean: np.ndarray
    std: np.ndarray

    def transform(self, x):
        """Standardizes more data with these (training-set) statistics."""
        x = _numeric("x", x)
        if x.shape[1:] != self.mean.shape:
            raise ValueError(
                f"x must have the training data's feature shape {self.mean.shape}; received shape {x.shape}"
            )
        return ((x - self.mean) / self.std).astype(_float_dtype(x), copy=False)


def _float_dtype(x: np.ndarray):
    return x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32


def _numeric(name: str, x) -> np.ndarray:
    array = np.asarray(x)
    numeric = np.issubdtype(array.dtype, np.number) or array.dtype == bool
    if not numeric or np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must be a numeric array; received dtype {array.dtype}")
    if array.ndim < 1 or len(array) == 0:
        raise ValueError(f"{name} must be an array with at least one sample; received shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers; received an array with NaN or inf")
    return array


def standardize(x_train, *others):
    """Standardizes features with the mean and standard deviation of ``x_train`` only.

    The statistics always come from the first argument, the training data; every further array
    (validation, test, new data) is scaled with them and never contributes to them. A feature
    that is constant in ``x_train`` gets a standard deviation of 1 (it becomes 0, not NaN).

    Args:
        x_train: the training data, shape ``(samples, *features)``; the statistics are per feature.
        *others: arrays to scale the same way, with the same feature shape.

    Returns:
        ``(x_train_std, *others_std, stats)``: the standardized arrays (float dtype kept, float32
        for integer input), then a :class:`Standardization` ``(mean, std)`` whose ``transform``
        scales later data.

    Raises:
        TypeError: if an array is not numeric.
        ValueError: if an array is empty, holds NaN/inf, or another array's feature shape differs.

    Example:

    >>> x_train_s, x_test_s, (mean, std) = standardize([[1.0, 5.0], [3.0, 5.0]], [[2.0, 6.0]])
    >>> x_train_s.tolist(), x_test_s.tolist()
    ([[-1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0]])
    """
    x_train = _numeric("x_train", x_train)
    arrays = [_numeric(f"others[{i}]", other) for i, other in enumerate(others)]
    for i, other in enumerate(arrays):
        if other.shape[1:] != x_train.shape[1:]:
            raise ValueError(
                f"others[{i}] must have x_train's feature shape {x_train.shape[1:]}; received shape {other.shape}"
            )
    values = x_train.astype(np.float64)
    mean = values.mean(axis=0)
    std = values.std(axis=0)
    std = np.where(np.ptp(values, axis=0) == 0, 1.0, std)  # constant features: exactly 0 spread
    stats = Standardization(mean, std)
    return (*(stats.transform(a) for a in (x_train, *arrays)), stats)


def standardize_review(text):
    """Lower-cases review text and strips ``<br />`` line breaks and punctuation (a ``tf`` function).

    The ``standardize`` of :func:`multi_hot_vectorizer`: Keras's ``"lower_and_strip_punctuation"``
    plus the HTML line breaks of the raw IMDB reviews, which would otherwise become the token
    ``br``. Registered with Keras as ``"dlcourse>standardize_review"`` when a vectorizer is built.
    """
    import tensorflow as tf

    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, _HTML_BREAK, " ")
    return tf.strings.regex_replace(text, _STRIP_PUNCTUATION, "")


def _check_texts(texts):
    import tensorflow as tf

    if isinstance(texts, tf.data.Dataset):
        spec = texts.element_spec
        if not (isinstance(spec, tf.TensorSpec) and spec.dtype == tf.string):
            raise TypeError(
                "texts must be a dataset of strings only; map the labels away first, "
                f"ds.map(lambda x, y: x); received element_spec={spec}"
            )
        return texts
    if isinstance(texts, (str, bytes)) or not isinstance(texts, (list, tuple, np.ndarray)):
        raise TypeError(
            f"texts must be a list or array of str, or a tf.data.Dataset of strings; received {type(texts).__name__}"
        )
    if len(texts) == 0:
        raise ValueError("texts must hold at least one text; received an empty sequence")
    for i, text in enumerate(np.asarray(texts, dtype=object).ravel()):
        if not isinstance(text, str):
            raise TypeError(f"texts must hold str; received texts[{i}]={text!r} of type {type(text).__name__}")
    return np.asarray(texts, dtype=object)


def multi_hot_vectorizer(texts, *, max_tokens=10000):
    """Builds a ``TextVectorization`` layer that turns text into multi-hot vectors, adapted to ``texts``.

    The vocabulary is the ``max_tokens - 1`` most frequent words of ``texts`` (plus the
    out-of-vocabulary token), after :func:`standardize_review`. Adapt it to training texts only.

    Args:
        texts: training texts: a list or array of ``str``, or a ``tf.data.Dataset`` of strings.
        max_tokens: the output vector length, including the out-of-vocabulary token.

    Returns:
        An adapted ``keras.layers.TextVectorization(output_mode="multi_hot")``; calling it on a
        batch of strings gives float32 vectors of shape ``(batch, max_tokens)``.

    Raises:
        TypeError: if ``texts`` is not text, or ``max_tokens`` not an int.
        ValueError: if ``texts`` is empty or ``max_tokens < 2``.

    Example:

    >>> vectorizer = multi_hot_vectorizer(["A good film.<br />Good!", "bad"], max_tokens=10)  # doctest: +SKIP
    >>> vectorizer.get_vocabulary()  # doctest: +SKIP
    ['[UNK]', 'good', 'film', 'bad', 'a']
    """
    max_tokens = check_int("max_tokens", max_tokens, minimum=2)
    texts = _check_texts(texts)
    import keras

    standardize = keras.saving.register_keras_serializable(package="dlcourse", name="standardize_review")(
        standardize_review
    )
    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, output_mode="multi_hot", standardize=standardize)
    vectorizer.adapt(texts)
    return vectorizer
