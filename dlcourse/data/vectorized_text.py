"""Text turned into fixed-width vectors with ``keras.layers.TextVectorization``, and back (notebooks 01, 02, 05)."""

from __future__ import annotations

import numpy as np

from dlcourse.validation import check_int, describe

__all__ = ["decode_multi_hot", "multi_hot_vectorizer", "standardize_review", "vectorize_texts"]

_STRIP_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'  # keras.layers.TextVectorization's
_HTML_BREAK = r"<br\s*/?>"

_FIXED_WIDTH_MODES = ("multi_hot", "count", "tf_idf", "one_hot")  # one output column per vocabulary entry


def _check_vectorizer(vectorizer) -> int:
    """Checks an adapted fixed-width ``TextVectorization`` layer and returns its output width."""
    import keras

    if not isinstance(vectorizer, keras.layers.TextVectorization):
        raise TypeError(
            "vectorizer must be a keras.layers.TextVectorization, such as multi_hot_vectorizer(texts)'s; "
            f"received vectorizer of type {type(vectorizer).__name__}"
        )
    config = vectorizer.get_config()
    mode = config.get("output_mode")
    sequence_length = config.get("output_sequence_length") if mode == "int" else None
    if mode not in _FIXED_WIDTH_MODES and not sequence_length:
        expected = ", ".join(repr(m) for m in _FIXED_WIDTH_MODES)
        raise ValueError(
            f"vectorizer must have a fixed-width output_mode ({expected}, or 'int' with an "
            f"output_sequence_length); received output_mode={mode!r}, whose rows differ in length"
        )
    size = vectorizer.vocabulary_size()
    if size < 2:
        raise ValueError(
            "vectorizer must be adapted to training texts first (vectorizer.adapt(texts)); "
            f"received a vectorizer with vocabulary_size()={size}"
        )
    if sequence_length:
        return int(sequence_length)
    if config.get("pad_to_max_tokens") and config.get("max_tokens"):
        return int(config["max_tokens"])
    return int(size)


def _check_texts(texts, *, datasets: bool = False):
    """Checks texts: a 1-D list or array of ``str`` (or, with ``datasets``, a ``tf.data.Dataset`` of strings)."""
    if datasets:
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
        also = ", or a tf.data.Dataset of strings" if datasets else ""
        raise TypeError(f"texts must be a list or NumPy array of str{also}; received texts={describe(texts)}")
    array = np.asarray(texts, dtype=object)
    if array.ndim != 1:
        raise ValueError(f"texts must be one-dimensional (one text per row); received shape {array.shape}")
    if len(array) == 0:
        raise ValueError("texts must hold at least one text; received an empty sequence")
    for i, text in enumerate(array):
        if not isinstance(text, str):
            raise TypeError(f"texts must hold str; received texts[{i}]={describe(text)}")
    return array


def vectorize_texts(vectorizer, texts, *, batch_size=2048, dtype="float32"):
    """Vectorizes texts with an adapted ``TextVectorization`` layer, batch by batch, into one array.

    Calling the layer on all texts at once returns int64 for ``multi_hot`` (twice float32's
    memory) and holds that tensor and its conversion at once; this fills a preallocated array.

    Args:
        vectorizer: an adapted ``keras.layers.TextVectorization`` with a fixed-width
            ``output_mode`` (``"multi_hot"``, ``"count"``, ``"tf_idf"`` or ``"one_hot"``), or
            ``"int"`` with an ``output_sequence_length`` (word indices, padded or cut).
        texts: a list or 1-D NumPy array of ``str``.
        batch_size: texts vectorized per call of the layer.
        dtype: the NumPy dtype of the result.

    Returns:
        An array of shape ``(len(texts), width)``; row ``i`` is ``vectorizer([texts[i]])``.

    Raises:
        TypeError, ValueError: for a bad argument, such as a vectorizer not adapted or of
            ``"int"`` mode without ``output_sequence_length`` (whose rows differ in width).

    Example:

    >>> from dlcourse.data import multi_hot_vectorizer, vectorize_texts
    >>> vectorizer = multi_hot_vectorizer(["a good film", "a bad film"], max_tokens=10)
    >>> vectorize_texts(vectorizer, ["good film", "bad"]).shape
    (2, 5)
    """
    width = _check_vectorizer(vectorizer)
    texts = _check_texts(texts)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a NumPy dtype such as 'float32'; received dtype={describe(dtype)}") from None
    out = np.empty((len(texts), width), dtype=dtype)
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size].tolist()
        out[start : start + len(batch)] = np.asarray(vectorizer(batch))
    return out


def decode_multi_hot(vector, vocabulary):
    """Returns the words that a multi-hot (or count) vector marks, in vocabulary order.

    The order and repetitions of the text are gone: that is what a bag of words forgets.

    Args:
        vector: a 1-D array of numbers, one per vocabulary entry; every non-zero entry counts.
        vocabulary: the words, such as ``vectorizer.get_vocabulary()``.

    Returns:
        A list of ``str``.

    Raises:
        TypeError: if ``vector`` is not numeric or ``vocabulary`` does not hold strings.
        ValueError: if ``vector`` is not 1-D or its length differs from the vocabulary's.

    Example:

    >>> from dlcourse.data import decode_multi_hot
    >>> decode_multi_hot([0, 1, 0, 1], ["[UNK]", "the", "movie", "good"])
    ['the', 'good']
    """
    if isinstance(vocabulary, (str, bytes)) or not isinstance(vocabulary, (list, tuple, np.ndarray)):
        raise TypeError(f"vocabulary must be a list of str; received vocabulary={describe(vocabulary)}")
    words = [str(word) if isinstance(word, np.str_) else word for word in vocabulary]
    for i, word in enumerate(words):
        if not isinstance(word, str):
            raise TypeError(f"vocabulary must hold str; received vocabulary[{i}]={describe(word)}")
    if isinstance(vector, (str, bytes)):
        raise TypeError(f"vector must be a 1-D array of numbers; received vector={describe(vector)}")
    array = np.asarray(vector)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"vector must be a 1-D array of numbers; received dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"vector must be 1-D (one text's vector, such as x[0]); received shape {array.shape}")
    if len(array) != len(words):
        raise ValueError(
            f"vector and vocabulary must have the same length; received len(vector)={len(array)} and "
            f"len(vocabulary)={len(words)}"
        )
    return [words[i] for i in np.flatnonzero(array)]


def standardize_review(text):
    """Lower-cases review text and strips ``<br />`` line breaks and punctuation (a ``tf`` function).

    Keras's ``"lower_and_strip_punctuation"`` plus the raw IMDB reviews' HTML line breaks, which
    would become the token ``br``. Registered as ``"dlcourse>standardize_review"``.
    """
    import tensorflow as tf

    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, _HTML_BREAK, " ")
    return tf.strings.regex_replace(text, _STRIP_PUNCTUATION, "")


def multi_hot_vectorizer(texts, *, max_tokens=10000):
    """Builds a ``TextVectorization`` layer that turns text into multi-hot vectors, adapted to ``texts``.

    The vocabulary is the ``max_tokens - 1`` most frequent words of ``texts`` after
    :func:`standardize_review`, plus the out-of-vocabulary token.

    Args:
        texts: training texts: a list or array of ``str``, or a ``tf.data.Dataset`` of strings.
        max_tokens: the output vector length, including the out-of-vocabulary token.

    Returns:
        An adapted ``keras.layers.TextVectorization(output_mode="multi_hot")``.

    Raises:
        TypeError: if ``texts`` is not text, or ``max_tokens`` not an int.
        ValueError: if ``texts`` is empty or ``max_tokens < 2``.

    Example:

    >>> from dlcourse.data import multi_hot_vectorizer
    >>> vectorizer = multi_hot_vectorizer(["A good film.<br />Good!", "bad"], max_tokens=10)
    >>> [str(word) for word in vectorizer.get_vocabulary()]
    ['[UNK]', 'good', 'film', 'bad', 'a']
    """
    max_tokens = check_int("max_tokens", max_tokens, minimum=2)
    texts = _check_texts(texts, datasets=True)
    import keras

    standardize = keras.saving.register_keras_serializable(package="dlcourse", name="standardize_review")(
        standardize_review
    )
    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, output_mode="multi_hot", standardize=standardize)
    vectorizer.adapt(texts)
    return vectorizer
