"""IMDB movie reviews from the raw text archive ``aclImdb_v1.tar.gz`` (notebook 01).

The archive is extracted once into the Keras cache, without the unlabelled ``train/unsup``
reviews. :func:`load_imdb_texts` gives arrays shuffled once (safe for hold-out splits);
:func:`load_imdb_reviews` gives ``tf.data`` datasets reshuffled every pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dlcourse.data.cache import ensure_extracted, load_with_keras
from dlcourse.data.registry import get
from dlcourse.data.subsets import subset_indices
from dlcourse.validation import check_bool, check_int, check_max_size, check_seed

__all__ = ["load_imdb_reviews", "load_imdb_texts", "load_imdb_word_index"]

_CLASS_NAMES = ("neg", "pos")  # label 0 is negative, 1 positive

_SPLIT_SIZE = 25_000  # labelled reviews per split, 12,500 per class


def _review_files(split_dir: Path) -> tuple[list[str], np.ndarray]:
    """Lists a split's reviews as ``text_dataset_from_directory`` does: class folders, sorted names."""
    paths, labels = [], []
    for label, name in enumerate(_CLASS_NAMES):
        folder = split_dir / name
        names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
        paths.extend(str(folder / n) for n in names)
        labels.extend([label] * len(names))
    return paths, np.asarray(labels, dtype=np.int32)


def _read_split(split_dir: Path, size, seed: int):
    paths, labels = _review_files(split_dir)
    rows = subset_indices(len(paths), size, seed, labels=labels, shuffle_all=True)
    texts = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        with open(paths[row], encoding="utf-8", errors="replace") as handle:
            texts[i] = handle.read()
    return texts, labels[rows]


def load_imdb_texts(*, max_train=None, max_test=None, seed=0):
    """Loads the IMDB reviews as NumPy arrays of texts and labels, shuffled once by ``seed``.

    The order is fixed by the seed, so ``x_train[:10000]`` never overlaps ``x_train[10000:]``.
    A subset is stratified. The raw reviews hold ``<br />`` line breaks, which
    :func:`dlcourse.data.multi_hot_vectorizer` removes.

    Args:
        max_train: keep this many training reviews (``None``: all 25,000).
        max_test: keep this many test reviews (``None``: all 25,000).
        seed: seed of the order and of the subset.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: texts as object arrays of ``str`` and int32
        labels (0 negative, 1 positive).

    Raises:
        TypeError, ValueError: for a bad ``max_train``, ``max_test`` or ``seed``.
        DataUnavailableError: if the archive is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_imdb_texts
    >>> (x_train, y_train), (x_test, y_test) = load_imdb_texts(max_train=12000, max_test=100)
    >>> x_val, partial_x_train = x_train[:10000], x_train[10000:]
    """
    max_train = check_max_size("max_train", max_train, _SPLIT_SIZE)
    max_test = check_max_size("max_test", max_test, _SPLIT_SIZE)
    seed = check_seed(seed)
    return _read_splits(max_train, max_test, seed)


def _read_splits(max_train, max_test, seed):
    folder = ensure_extracted(get("imdb_reviews"))
    return _read_split(folder / "train", max_train, seed), _read_split(folder / "test", max_test, seed + 1)


def load_imdb_reviews(*, max_train=None, max_test=None, seed=0, as_numpy=False, batch_size=32):
    """Loads the IMDB reviews as ``tf.data`` datasets of ``(text, label)`` batches.

    Without a subset: ``keras.utils.text_dataset_from_directory`` on ``train/`` and ``test/``;
    with one, the chosen reviews (stratified) served by ``tf.data`` with the same element types.
    The training set is reshuffled every pass, so ``take``/``skip`` hold-out splits would leak:
    use :func:`load_imdb_texts` (or ``as_numpy=True``) for those.

    Args:
        max_train: keep this many training reviews (``None``: all 25,000).
        max_test: keep this many test reviews (``None``: all 25,000).
        seed: seed of the shuffling and of the subset.
        as_numpy: return :func:`load_imdb_texts`'s arrays instead of datasets.
        batch_size: reviews per batch of the datasets.

    Returns:
        ``(train_ds, test_ds)``, or with ``as_numpy=True`` ``(x_train, y_train), (x_test, y_test)``.

    Raises:
        TypeError, ValueError: for a bad option.
        DataUnavailableError: if the archive is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_imdb_reviews
    >>> train_ds, test_ds = load_imdb_reviews(max_train=2000, max_test=2000)
    >>> texts, labels = next(iter(train_ds))
    """
    max_train = check_max_size("max_train", max_train, _SPLIT_SIZE)
    max_test = check_max_size("max_test", max_test, _SPLIT_SIZE)
    seed = check_seed(seed)
    check_bool("as_numpy", as_numpy)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if as_numpy:
        return _read_splits(max_train, max_test, seed)
    import keras
    import tensorflow as tf

    folder = ensure_extracted(get("imdb_reviews"))
    datasets = []
    for split, size, split_seed, training in (("train", max_train, seed, True), ("test", max_test, seed + 1, False)):
        if size is None:
            ds = keras.utils.text_dataset_from_directory(
                folder / split, class_names=list(_CLASS_NAMES), batch_size=batch_size,
                shuffle=training, seed=split_seed,
            )
        else:
            texts, labels = _read_split(folder / split, size, split_seed)
            ds = tf.data.Dataset.from_tensor_slices((texts.tolist(), labels))
            if training:
                ds = ds.shuffle(len(texts), seed=split_seed, reshuffle_each_iteration=True)
            ds = ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
            ds.class_names = list(_CLASS_NAMES)
        datasets.append(ds)
    return tuple(datasets)


def load_imdb_word_index() -> dict[str, int]:
    """Loads the word index of the Keras IMDB sequences (``keras.datasets.imdb.get_word_index``).

    Index 1 is the most frequent word; ``keras.datasets.imdb``'s sequences shift every index by 3.

    Returns:
        A dict of 88,584 words to their indices.

    Raises:
        DataUnavailableError: if the file is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_imdb_word_index
    >>> load_imdb_word_index()["the"]
    1
    """
    return load_with_keras("imdb_word_index", lambda keras: keras.datasets.imdb.get_word_index())
