"""Tests of the cats-vs-dogs streaming datasets (extracted once into the Keras cache)."""

import os
from collections import Counter

import keras
import numpy as np
import pytest
import tensorflow as tf

import dlcourse.data as data
from dlcourse.data import cats_dogs


def _labels(ds):
    return np.concatenate([y.numpy() for _, y in ds])


def test_full_splits_come_from_image_dataset_from_directory():
    train_ds, validation_ds = data.load_cats_vs_dogs(cache=None)
    assert train_ds.class_names == ["cats", "dogs"] == validation_ds.class_names
    assert train_ds.element_spec == (
        tf.TensorSpec((None, 180, 180, 3), tf.float32), tf.TensorSpec((None,), tf.int32),
    )
    assert int(train_ds.cardinality()) == 63 and int(validation_ds.cardinality()) == 32  # 2,000 and 1,000 images
    images, labels = next(iter(validation_ds.take(1)))
    assert images.shape == (32, 180, 180, 3) and float(tf.reduce_max(images)) <= 255.0
    assert labels.numpy().tolist() == [0] * 32  # validation keeps its order: cats first


def test_subset_streams_from_files_and_is_reproducible():
    train_ds, validation_ds = data.load_cats_vs_dogs(image_size=(32, 32), batch_size=4, max_per_class=5, seed=1)
    assert train_ds.element_spec[0] == tf.TensorSpec((None, 32, 32, 3), tf.float32)
    first, second = _labels(train_ds), _labels(train_ds)
    assert Counter(first.tolist()) == {0: 5, 1: 5} == Counter(_labels(validation_ds).tolist())
    assert sorted(first) == sorted(second)
    again, _ = data.load_cats_vs_dogs(image_size=(32, 32), batch_size=4, max_per_class=5, seed=1, cache=None)
    pixels = lambda ds: sorted(float(tf.reduce_sum(x)) for batch, _ in ds for x in batch)  # noqa: E731
    assert pixels(train_ds) == pixels(again)
    other, _ = data.load_cats_vs_dogs(image_size=(32, 32), batch_size=4, max_per_class=5, seed=2, cache=None)
    assert pixels(other) != pixels(again)


def test_subset_images_equal_keras_images(tmp_path):
    folder = cats_dogs.cats_vs_dogs_folder() / "train"
    for name, file in (("cats", "cat.0.jpg"), ("dogs", "dog.0.jpg")):
        (tmp_path / name).mkdir()
        os.symlink(folder / name / file, tmp_path / name / file)
    keras_ds = keras.utils.image_dataset_from_directory(tmp_path, image_size=(50, 70), batch_size=None, shuffle=False)
    for (keras_image, _), name, file in zip(keras_ds, ("cats", "dogs"), ("cat.0.jpg", "dog.0.jpg")):
        ours = cats_dogs._load_image(str(folder / name / file), (50, 70))
        np.testing.assert_array_equal(ours.numpy(), keras_image.numpy())


def test_disk_cache_goes_to_the_build_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_BUILD_DIR", str(tmp_path))
    train_ds, _ = data.load_cats_vs_dogs(image_size=(16, 16), batch_size=2, max_per_class=2, cache="disk")
    assert len(_labels(train_ds)) == 4
    written = os.listdir(tmp_path / "tf-cache")
    assert any(name.startswith("cats_vs_dogs-train-16x16-2-seed0") for name in written)


def test_options_are_validated():
    with pytest.raises(ValueError, match=r"image_size must have 2 axes; received image_size=\(180,\)"):
        data.load_cats_vs_dogs(image_size=(180,))
    with pytest.raises(TypeError, match="image_size must be a tuple of ints"):
        data.load_cats_vs_dogs(image_size="180x180")
    with pytest.raises(ValueError, match="image_size must hold two positive ints"):
        data.load_cats_vs_dogs(image_size=(180, None))
    with pytest.raises(ValueError, match="batch_size must be >= 1; received batch_size=0"):
        data.load_cats_vs_dogs(batch_size=0)
    with pytest.raises(ValueError, match=r"max_per_class must be None or between 1 and 1,000"):
        data.load_cats_vs_dogs(max_per_class=1001)
    with pytest.raises(ValueError, match="cache must be one of 'memory', 'disk', None; received cache='ram'"):
        data.load_cats_vs_dogs(cache="ram")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        data.load_cats_vs_dogs(seed=-1)
