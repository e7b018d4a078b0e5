"""IMDB movie reviews from the raw text archive ``aclImdb_v1.tar.gz`` (notebook 01).

The archive is extracted once into the Keras cache (``datasets/aclImdb_v1_extracted/aclImdb``;
the 50,000 unlabelled ``train/unsup`` reviews of the published archive are left out) and checked
by content: 12,500 reviews in each of ``train/neg``, ``train/pos``, ``test/neg``, ``test/pos``.

Two ways in:

* :func:`load_imdb_texts` returns NumPy arrays, shuffled once by a seed. Use it for a hold-out
  split (notebook 01 holds out the first 10,000 training reviews).
* :func:`load_imdb_reviews` returns ``tf.data`` datasets from
  ``keras.utils.text_dataset_from_directory``. Its training set is reshuffled on every pass, so
  never split it with ``take``/``skip``: the two parts would overlap from one epoch to the next.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dlcourse._validation import check_bool, check_int
from dlcourse.data import _subset
from dlcourse.data._archives import ensure_extracted
from dlcourse.data._cache import load_with_keras
from dlcourse.data.registry import get

IMDB_CLASS_NAMES = ("neg", "pos")
"""The review folders; label 0 is negative and label 1 positive."""

IMDB_TRAIN_SIZE = 25_000
"""Labelled training reviews (12,500 per class)."""

IMDB_TEST_SIZE = 25_000
"""Labelled test reviews (12,500 per class)."""


def imdb_folder() -> Path:
    """Returns the checked ``aclImdb`` folder (with ``train/`` and ``test/``), extracting it once.

    Returns:
        The path of ``aclImdb`` in the Keras cache.

    Raises:
        DataUnavailableError: if the archive is neither cached nor downloadable, or is corrupt.

    Example:

    >>> sorted(p.name for p in imdb_folder().iterdir() if p.is_dir())  # doctest: +SKIP
    ['test', 'train']
    """
    return ensure_extracted(get("imdb_reviews"))


def _review_files(split_dir: Path) -> tuple[list[str], np.ndarray]:
    """Lists a split's reviews as ``text_dataset_from_directory`` does: class folders, sorted names."""
    paths, labels = [], []
    for label, name in enumerate(IMDB_CLASS_NAMES):
        folder = split_dir / name
        names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
        paths.extend(str(folder / n) for n in names)
        labels.extend([label] * len(names))
    return paths, np.asarray(labels, dtype=np.int32)


def _read_split(split_dir: Path, size, seed: int):
    paths, labels = _review_files(split_dir)
    rows = _subset.subset_indices(len(paths), size, seed, labels=labels, shuffle_all=True)
    texts = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        with open(paths[row], encoding="utf-8", errors="replace") as handle:
            texts[i] = handle.read()
    return texts, labels[rows]


def load_imdb_texts(*, max_train=None, max_test=None, seed=0):
    """Loads the IMDB reviews as NumPy arrays of texts and labels, shuffled once by ``seed``.

    Safe for hold-out splits: the order is fixed, so ``x_train[:10000]`` is the same 10,000
    reviews on every run with the same seed, and never overlaps ``x_train[10000:]``. A subset is
    stratified (``max_train=2000`` gives 1,000 positive and 1,000 negative reviews). The raw
    reviews of the published archive contain ``<br />`` line breaks; the standardization of
    :func:`dlcourse.data.multi_hot_vectorizer` removes them.

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

    >>> (x_train, y_train), (x_test, y_test) = load_imdb_texts()  # doctest: +SKIP
    >>> x_val, partial_x_train = x_train[:10000], x_train[10000:]  # doctest: +SKIP
    """
    max_train = _subset.check_max("max_train", max_train, IMDB_TRAIN_SIZE)
    max_test = _subset.check_max("max_test", max_test, IMDB_TEST_SIZE)
    seed = _subset.check_seed(seed)
    folder = imdb_folder()
    return _read_split(folder / "train", max_train, seed), _read_split(folder / "test", max_test, seed + 1)


def load_imdb_reviews(*, max_train=None, max_test=None, seed=0, as_numpy=False, batch_size=32):
    """Loads the IMDB reviews as ``tf.data`` datasets of ``(text, label)`` batches.

    Without a subset the datasets are ``keras.utils.text_dataset_from_directory`` on ``train/``
    and ``test/`` with ``class_names=["neg", "pos"]`` (which leaves out ``train/unsup`` of the
    published archive). The training set is shuffled again on every pass, which suits
    ``fit`` but makes ``take``/``skip`` hold-out splits leak: use :func:`load_imdb_texts` (or
    ``as_numpy=True``) for a hold-out split. With ``max_train``/``max_test`` the chosen reviews
    (stratified) are read once and served by ``tf.data`` with the same element types: string
    texts and int32 labels.

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

    >>> train_ds, test_ds = load_imdb_reviews(max_train=2000, max_test=2000)  # doctest: +SKIP
    >>> texts, labels = next(iter(train_ds))  # doctest: +SKIP
    """
    max_train = _subset.check_max("max_train", max_train, IMDB_TRAIN_SIZE)
    max_test = _subset.check_max("max_test", max_test, IMDB_TEST_SIZE)
    seed = _subset.check_seed(seed)
    check_bool("as_numpy", as_numpy)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if as_numpy:
        return load_imdb_texts(max_train=max_train, max_test=max_test, seed=seed)
    import keras
    import tensorflow as tf

    folder = imdb_folder()
    datasets = []
    for split, size, split_seed, training in (("train", max_train, seed, True), ("test", max_test, seed + 1, False)):
        if size is None:
            ds = keras.utils.text_dataset_from_directory(
                folder / split, class_names=list(IMDB_CLASS_NAMES), batch_size=batch_size,
                shuffle=training, seed=split_seed,
            )
        else:
            texts, labels = _read_split(folder / split, size, split_seed)
            ds = tf.data.Dataset.from_tensor_slices((texts.tolist(), labels))
            if training:
                ds = ds.shuffle(len(texts), seed=split_seed, reshuffle_each_iteration=True)
            ds = ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
            ds.class_names = list(IMDB_CLASS_NAMES)
        datasets.append(ds)
    return tuple(datasets)


def load_imdb_word_index() -> dict[str, int]:
    """Loads the word index of the Keras IMDB sequences (``keras.datasets.imdb.get_word_index``).

    The file comes from the Keras cache (checked against Keras's md5) or is downloaded there.
    The indices start at 1 for the most frequent word (``"the"``); in the sequences of
    ``keras.datasets.imdb`` every index is shifted by 3 (0 padding, 1 start, 2 out of
    vocabulary), which :func:`dlcourse.data.decode_indices` undoes.

    Returns:
        A dict of 88,584 words to their indices.

    Raises:
        DataUnavailableError: if the file is neither cached nor downloadable, or is corrupt.

    Example:

    >>> load_imdb_word_index()["the"]  # doctest: +SKIP
    1
    """

    def loader():
        import keras

        return keras.datasets.imdb.get_word_index()

    return load_with_keras("imdb_word_index", loader)
