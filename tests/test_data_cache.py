"""Tests of the cache layer: offline errors, corrupt files, extraction checks, fetch and status.

The offline tests point KERAS_HOME at an empty folder and make every DNS lookup fail at once,
so they behave the same with or without a network and never wait on one.
"""

import os
import socket
from pathlib import Path

import keras  # noqa: F401  (imported here with the real KERAS_HOME, as a notebook would)
import pytest

import dlcourse.data as data
from dlcourse.data import cache, registry
from dlcourse.errors import DataUnavailableError

REAL_HOME = Path(os.environ.get("KERAS_HOME") or Path("~/.keras").expanduser())


@pytest.fixture
def offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known (network disabled by the test)")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Keras home; copy files into it to build a case."""
    folder = tmp_path / "keras"
    folder.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(folder))
    return folder


def _copy_into(home, name, *, truncate=None, corrupt=False):
    source = REAL_HOME / "datasets" / name
    target = home / "datasets" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    content = source.read_bytes()
    if truncate is not None:
        content = content[:truncate]
    if corrupt:
        content = content[:100] + bytes([content[100] ^ 0xFF]) + content[101:]
    target.write_bytes(content)
    return target


LOADERS = [
    (data.load_boston_housing, "boston_housing", "boston_housing.npz"),
    (data.load_fashion_mnist, "fashion_mnist", "train-labels-idx1-ubyte.gz"),
    (data.load_mnist, "mnist", "mnist.npz"),
    (data.load_imdb_texts, "imdb_reviews", "aclImdb_v1.tar.gz"),
    (data.load_imdb_reviews, "imdb_reviews", "aclImdb_v1.tar.gz"),
    (data.load_imdb_word_index, "imdb_word_index", "imdb_word_index.json"),
    (data.load_reuters_newswires, "reuters21578", "reuters21578.tar.gz"),
    (data.load_cats_vs_dogs, "cats_vs_dogs", "cats_and_dogs_filtered.zip"),
]


@pytest.mark.parametrize("loader, name, filename", LOADERS, ids=[f"{l.__name__}" for l, _, _ in LOADERS])
def test_offline_with_an_empty_cache_raises_one_clear_error(loader, name, filename, home, offline):
    with pytest.raises(DataUnavailableError) as info:
        loader()
    error = info.value
    message = str(error)
    assert f"('{name}')" in message and filename in message
    assert f"`python -m dlcourse fetch {name}`" in message
    assert str(home) in message and "not in the Keras cache" in message
    assert not message.startswith("[Errno")
    assert error.__cause__ is None and error.__suppress_context__  # raised "from None": no urllib traceback
    assert error.dataset == name and error.filename == filename
    assert isinstance(error, OSError)


def test_a_corrupt_hashed_file_is_reported(home, offline):
    _copy_into(home, "boston_housing.npz", corrupt=True)
    with pytest.raises(DataUnavailableError, match=r"boston_housing.*failed its sha256 check and downloading it again failed"):
        data.load_boston_housing()


def test_a_truncated_archive_is_reported_and_leaves_no_extraction(home, offline):
    _copy_into(home, "reuters21578.tar.gz", truncate=1_000_000)
    with pytest.raises(DataUnavailableError, match=r"cached archive is corrupt or truncated.*fetch reuters21578"):
        data.load_reuters_newswires()
    assert sorted(p.name for p in (home / "datasets").iterdir()) == ["reuters21578.tar.gz"]


def test_a_file_that_is_no_archive_is_reported(home, offline):
    target = home / "datasets" / "cats_and_dogs_filtered.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"<html>Service unavailable</html>")
    with pytest.raises(DataUnavailableError, match=r"cached archive is corrupt or truncated \(.*cats_and_dogs_filtered.zip is not a zip file\)"):
        data.load_cats_vs_dogs()


def test_an_incomplete_extraction_is_detected_and_redone(home, capsys):
    resource = registry.get("reuters21578")
    (home / "datasets").mkdir()
    os.symlink(REAL_HOME / "datasets" / "reuters21578.tar.gz", home / "datasets" / "reuters21578.tar.gz")
    folder = cache.ensure_extracted(resource)
    assert folder == home / "datasets" / "reuters21578_extracted"
    assert "extracting reuters21578.tar.gz" in capsys.readouterr().out
    assert cache.check_extracted(resource, folder) == []

    # Reused, not extracted again.
    assert cache.ensure_extracted(resource) == folder
    assert "extracting" not in capsys.readouterr().out

    # A partial extraction: a file missing, another one empty.
    (folder / "reut2-021.sgm").unlink()
    (folder / "reut2-003.sgm").write_bytes(b"")
    assert cache.check_extracted(resource, folder) == [
        "reuters21578_extracted/ holds 21 reut2-*.sgm files, expected 22",
        "reuters21578_extracted/ holds 1 empty files",
    ]
    stories = data.read_reuters_stories()
    assert "extracting reuters21578.tar.gz" in capsys.readouterr().out
    assert len(stories) == 21_578
    assert cache.check_extracted(resource, folder) == []
    assert not [p for p in (home / "datasets").iterdir() if ".partial" in p.name]


def test_check_extracted_names_each_short_folder(tmp_path):
    resource = registry.get("cats_vs_dogs")
    root = tmp_path / "cats_and_dogs_filtered"
    for sub in ("train/cats", "train/dogs", "validation/cats"):
        (root / sub).mkdir(parents=True)
        for i in range(3):
            (root / sub / f"x.{i}.jpg").write_bytes(b"\xff\xd8")
    assert cache.check_extracted(resource, root) == [
        "cats_and_dogs_filtered/train/cats/ holds 3 *.jpg files, expected 1,000",
        "cats_and_dogs_filtered/train/dogs/ holds 3 *.jpg files, expected 1,000",
        "cats_and_dogs_filtered/validation/cats/ holds 3 *.jpg files, expected 500",
        "cats_and_dogs_filtered/validation/dogs/ is missing",
    ]
    assert cache.check_extracted(resource, tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'} does not exist"]


def test_the_real_extractions_are_complete():
    for name in ("imdb_reviews", "cats_vs_dogs", "reuters21578"):
        resource = registry.get(name)
        assert cache.check_extracted(resource, cache.ensure_extracted(resource)) == []
    assert not (cache.ensure_extracted(registry.get("imdb_reviews")) / "train" / "unsup").exists()


def test_keras_datasets_refuse_a_keras_home_changed_after_import(home):
    _copy_into(home, "boston_housing.npz")
    assert cache.keras_home_mismatch() is not None
    with pytest.raises(DataUnavailableError, match="Set KERAS_HOME before importing keras"):
        data.load_boston_housing()


def test_the_real_keras_home_is_the_one_keras_uses():
    assert cache.keras_home_mismatch() is None
    assert cache.cache_root(create=False) == REAL_HOME


def test_an_unwritable_home_is_named_in_the_error(home, monkeypatch, offline):
    monkeypatch.setattr(cache, "is_writable", lambda folder: False)
    assert cache.cache_root() == cache.FALLBACK_HOME
    with pytest.raises(DataUnavailableError) as info:
        data.load_imdb_word_index()
    assert f"KERAS_HOME={home} is not writable, so Keras uses {cache.FALLBACK_HOME} instead" in str(info.value)


def test_fetch_verifies_cached_files():
    paths = data.fetch("boston_housing")
    assert paths == [REAL_HOME / "datasets" / "boston_housing.npz"]
    paths = data.fetch("reuters21578")
    assert paths == [REAL_HOME / "datasets" / "reuters21578.tar.gz", REAL_HOME / "datasets" / "reuters21578_extracted"]


def test_fetch_deletes_a_corrupt_file_and_reports_the_failed_download(home, offline):
    weights = home / "models" / registry.get("mobilenet_v2_imagenet").files[0].filename
    weights.parent.mkdir()
    weights.write_bytes(b"not hdf5")
    assert cache.cache_status("mobilenet_v2_imagenet") == cache.CacheStatus(
        "mobilenet_v2_imagenet", False, f"corrupt: {weights.name} is not an HDF5 file"
    )
    with pytest.raises(DataUnavailableError, match="fetch mobilenet_v2_imagenet"):
        data.fetch("mobilenet_v2_imagenet")
    assert not weights.exists()


def test_fetch_validates_its_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        data.fetch("everything")
    with pytest.raises(TypeError, match="force must be a bool; received force='yes'"):
        data.fetch("boston_housing", force="yes")


def test_cache_status_of_an_empty_and_of_the_real_cache(home, monkeypatch):
    assert data.cache_status("boston_housing") == data.CacheStatus("boston_housing", False, "missing: boston_housing.npz")
    assert data.cache_status("imdb_reviews").ok is False
    monkeypatch.setenv("KERAS_HOME", str(REAL_HOME))
    assert data.cache_status("boston_housing") == data.CacheStatus("boston_housing", True, "cached; sha256 (Keras) checked")
    assert data.cache_status("fashion_mnist").ok
    assert data.cache_status("cats_vs_dogs") == data.CacheStatus(
        "cats_vs_dogs", True, "extracted copy complete (archive cached)"
    )


def test_fetch_force_offline_keeps_the_cached_copy(home, offline):
    target = _copy_into(home, "boston_housing.npz")
    with pytest.raises(DataUnavailableError, match="downloading it failed"):
        data.fetch("boston_housing", force=True)
    assert target.read_bytes() == (REAL_HOME / "datasets" / "boston_housing.npz").read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["boston_housing.npz"]


def test_a_missing_keras_home_is_created_on_first_use(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "new" / "keras"))
    assert cache.cache_root(create=False) == tmp_path / "new" / "keras"
    with pytest.raises(DataUnavailableError, match=str(tmp_path / "new" / "keras" / "datasets")):
        data.load_imdb_word_index()
    assert (tmp_path / "new" / "keras").is_dir()


def test_an_archive_member_outside_the_folder_is_refused(home, offline):
    import io
    import tarfile

    layout = registry.ArchiveLayout("evil_extracted", "", "*.txt", {"": 1})
    resource = registry.Resource("evil", "Evil", "dataset", (registry.RemoteFile("evil.tar.gz", "https://example.invalid/e"),),
                                 "", (), "", "", "", layout)
    (home / "datasets").mkdir()
    with tarfile.open(home / "datasets" / "evil.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(DataUnavailableError, match=r"corrupt or truncated \(.*outside the destination"):
        cache.ensure_extracted(resource)
    assert not (home / "escaped.txt").exists()
    assert sorted(p.name for p in (home / "datasets").iterdir()) == ["evil.tar.gz"]
