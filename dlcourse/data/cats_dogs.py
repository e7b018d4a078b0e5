"""Cats vs dogs as ``tf.data`` datasets streamed from the image files (notebooks 09 and 10)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dlcourse.config import build_dir
from dlcourse.data.cache import ensure_extracted
from dlcourse.data.registry import get
from dlcourse.validation import check_choice, check_int, check_max_size, check_seed, check_shape

__all__ = ["CATS_VS_DOGS_CLASS_NAMES", "cats_vs_dogs_folder", "load_cats_vs_dogs"]

CATS_VS_DOGS_CLASS_NAMES = ("cats", "dogs")
"""The image folders; label 0 is a cat and label 1 a dog."""

_PER_CLASS = {"train": 1_000, "validation": 500}


def cats_vs_dogs_folder() -> Path:
    """Returns the checked ``cats_and_dogs_filtered`` folder (``train/``, ``validation/``), extracting it once.

    Raises:
        DataUnavailableError: if the archive is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import cats_vs_dogs_folder
    >>> (cats_vs_dogs_folder() / "train" / "cats" / "cat.0.jpg").is_file()
    True
    """
    return ensure_extracted(get("cats_vs_dogs"))


def _load_image(path, image_size):
    """Reads and resizes one image exactly as ``image_dataset_from_directory`` does."""
    import tensorflow as tf

    image = tf.image.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    image = tf.image.resize(image, image_size, method="bilinear")
    image.set_shape((image_size[0], image_size[1], 3))
    return image


def _subset_files(split_dir: Path, per_class: int, seed: int, training: bool):
    rng = np.random.default_rng(seed)
    paths, labels = [], []
    for label, name in enumerate(CATS_VS_DOGS_CLASS_NAMES):
        names = sorted(n for n in os.listdir(split_dir / name) if n.lower().endswith(".jpg"))
        chosen = sorted(rng.choice(len(names), per_class, replace=False))
        paths.extend(str(split_dir / name / names[i]) for i in chosen)
        labels.extend([label] * per_class)
    order = rng.permutation(len(paths)) if training else np.arange(len(paths))
    return [paths[i] for i in order], np.asarray(labels, dtype=np.int32)[order]


def _split_dataset(folder: Path, split: str, *, image_size, batch_size, max_per_class, seed, cache):
    import keras
    import tensorflow as tf

    training = split == "train"
    if max_per_class is None or max_per_class >= _PER_CLASS[split]:
        ds = keras.utils.image_dataset_from_directory(
            folder / split, labels="inferred", label_mode="int", class_names=list(CATS_VS_DOGS_CLASS_NAMES),
            image_size=image_size, batch_size=None, shuffle=training, seed=seed,
        )
        count = 2 * _PER_CLASS[split]
    else:
        per_class = min(max_per_class, _PER_CLASS[split])
        paths, labels = _subset_files(folder / split, per_class, seed, training)
        ds = tf.data.Dataset.from_tensor_slices((paths, labels))
        ds = ds.map(lambda path, label: (_load_image(path, image_size), label), num_parallel_calls=tf.data.AUTOTUNE)
        count = len(paths)
    if cache == "memory":
        ds = ds.cache()
    elif cache == "disk":
        tag = f"{image_size[0]}x{image_size[1]}-{max_per_class or 'all'}-seed{seed}"
        ds = ds.cache(str(build_dir("tf-cache") / f"cats_vs_dogs-{split}-{tag}"))
    if training:  # after the cache, so that every epoch sees a new order
        ds = ds.shuffle(min(count, 8 * batch_size), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    ds.class_names = list(CATS_VS_DOGS_CLASS_NAMES)
    return ds


def load_cats_vs_dogs(*, image_size=(180, 180), batch_size=32, max_per_class=None, seed=0, cache="memory"):
    """Loads cats vs dogs as batched ``tf.data`` datasets read from the image files.

    The full splits (2,000 training, 1,000 validation images) come from
    ``keras.utils.image_dataset_from_directory``; a subset is read from the chosen files the same
    way. Then ``.cache()``, a per-epoch shuffle of the training set and ``.prefetch``. The memory
    cache holds about 1.2 GB at 180x180; ``cache="disk"`` writes it under
    ``build_dir("tf-cache")``, ``cache=None`` decodes the files every epoch.

    Args:
        image_size: ``(height, width)`` the images are resized to.
        batch_size: images per batch.
        max_per_class: keep this many images per class in each split (``None``: all).
        seed: seed of the subset and of the shuffling.
        cache: ``"memory"``, ``"disk"`` or ``None``.

    Returns:
        ``(train_ds, validation_ds)`` of float32 images 0-255 and int32 labels (0 cat, 1 dog),
        with ``class_names``.

    Raises:
        TypeError, ValueError: for a bad option.
        DataUnavailableError: if the archive is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_cats_vs_dogs
    >>> train_ds, validation_ds = load_cats_vs_dogs(max_per_class=100)
    >>> images, labels = next(iter(train_ds))
    >>> images.shape
    TensorShape([32, 180, 180, 3])
    """
    image_size = check_shape("image_size", image_size, ndim=2)
    if None in image_size:
        raise ValueError(f"image_size must hold two positive ints; received image_size={image_size!r}")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    max_per_class = check_max_size("max_per_class", max_per_class, _PER_CLASS["train"])
    seed = check_seed(seed)
    check_choice("cache", cache, ("memory", "disk", None))
    folder = cats_vs_dogs_folder()
    options = dict(image_size=image_size, batch_size=batch_size, max_per_class=max_per_class, seed=seed, cache=cache)
    return _split_dataset(folder, "train", **options), _split_dataset(folder, "validation", **options)
