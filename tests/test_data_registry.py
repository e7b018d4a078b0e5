"""Tests of dlcourse.data.registry: the entries, their agreement with Keras, and data/README.md."""

import re
from pathlib import Path

import pytest

from dlcourse.data import registry

README = Path(__file__).resolve().parents[1] / "data" / "README.md"


def test_names_are_the_course_resources():
    assert registry.names() == (
        "imdb_reviews", "imdb_word_index", "reuters21578", "boston_housing", "fashion_mnist", "mnist",
        "cats_vs_dogs", "imagenet_class_index", "mobilenet_v2_imagenet", "vgg16_imagenet",
    )


@pytest.mark.parametrize("name", registry.names())
def test_every_entry_is_complete(name):
    r = registry.get(name)
    assert r.name == name and r.title and r.licence and r.verification and r.description and r.used_by
    assert r.kind in ("dataset", "weights")
    assert r.notebooks and all(re.fullmatch(r"\d\d", n) for n in r.notebooks)
    assert r.files
    for f in r.files:
        assert f.origin.startswith("https://")
        assert f.cache_subdir in ("datasets", "datasets/fashion-mnist", "models")
        assert f.size > 0
        if f.file_hash is not None:
            assert re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{64}", f.file_hash)
            assert f.hash_source in ("Keras", "publisher")
    # Every file is verified somehow: a hash, a content check of the archive, or the HDF5 signature.
    for f in r.files:
        assert f.file_hash or r.layout or f.filename.endswith(".h5")


def test_archives_have_their_expected_counts():
    assert dict(registry.get("imdb_reviews").layout.counts) == {
        "train/neg": 12_500, "train/pos": 12_500, "test/neg": 12_500, "test/pos": 12_500,
    }
    assert dict(registry.get("cats_vs_dogs").layout.counts) == {
        "train/cats": 1_000, "train/dogs": 1_000, "validation/cats": 500, "validation/dogs": 500,
    }
    assert dict(registry.get("reuters21578").layout.counts) == {"": 22}
    assert registry.get("imdb_reviews").layout.exclude == ("aclImdb/train/unsup/",)


def test_weight_files_are_the_ones_keras_applications_downloads():
    from keras.src.applications import imagenet_utils, mobilenet_v2, vgg16

    mobilenet = registry.get("mobilenet_v2_imagenet").files[0]
    assert mobilenet.origin == mobilenet_v2.BASE_WEIGHT_PATH + mobilenet.filename
    assert mobilenet.filename == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"
    vgg = registry.get("vgg16_imagenet").files[0]
    assert vgg.origin == vgg16.WEIGHTS_PATH_NO_TOP
    assert vgg.file_hash == "6d6bbae143d832006294945121d1f1fc"
    assert registry.get("imagenet_class_index").files[0].origin == imagenet_utils.CLASS_INDEX_PATH
    assert all(f.cache_subdir == "models" for n in ("mobilenet_v2_imagenet", "vgg16_imagenet", "imagenet_class_index")
               for f in registry.get(n).files)


def test_only_mnist_is_optional():
    assert [n for n, r in registry.REGISTRY.items() if not r.required] == ["mnist"]


def test_get_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"name must be one of imdb_reviews, .*; received name='imdb'"):
        registry.get("imdb")
    with pytest.raises(TypeError, match="name must be a str; received name=3 of type int"):
        registry.get(3)


def test_format_size():
    assert registry.format_size(57_026) == "57 kB"
    assert registry.format_size(68_606_236) == "68.6 MB"
    assert registry.format_size(0) == "-"


def test_readme_holds_the_registry_table():
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- registry table: begin -->\n", 1)[1].split("<!-- registry table: end -->", 1)[0]
    assert table == registry.markdown_table()
    for name in registry.names():
        assert f"`{name}`" in table


def test_readme_states_the_measured_reuters_sizes_and_the_offline_recipe():
    text = README.read_text(encoding="utf-8")
    for figure in ("9,494", "6,552", "2,581", "**52 topics**", "**6,532**", "**2,568**", "**9,100**"):
        assert figure in text
    assert "python -m dlcourse fetch --all" in text and "KERAS_HOME" in text
