import numpy as np
import pytest

from dlcourse import config


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("YES", True), (" on ", True),
                                           ("", False), ("0", False), ("False", False), ("off", False)])
def test_quick_mode_values(monkeypatch, raw, expected):
    monkeypatch.setenv("DLCOURSE_QUICK", raw)
    assert config.quick_mode() is expected


def test_quick_mode_unset_is_full(monkeypatch):
    monkeypatch.delenv("DLCOURSE_QUICK", raising=False)
    assert config.quick_mode() is False
    assert config.mode_name() == "full"


def test_quick_mode_rejects_typo(monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "ture")
    with pytest.raises(ValueError, match=r"DLCOURSE_QUICK must be one of .*received DLCOURSE_QUICK='ture'"):
        config.quick_mode()


def test_pick_follows_mode(monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    assert config.pick(full=20, quick=2) == 2
    assert config.mode_name() == "quick"
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    assert config.pick(full=20, quick=2) == 20


def test_set_seed_reproduces_numpy_and_keras():
    import keras

    config.set_seed(3)
    a = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    config.set_seed(3)
    b = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_set_seed_accepts_numpy_ints():
    assert config.set_seed(np.int64(5)) == 5


def test_project_root(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "dlcourse").mkdir()
    (tmp_path / "notebooks").mkdir()
    assert config.project_root(tmp_path / "notebooks") == tmp_path.resolve()
    monkeypatch.chdir(tmp_path)
    assert config.project_root() == tmp_path.resolve()
    assert config.project_root(tmp_path.parent) is None


@pytest.mark.parametrize("seed, error, match", [
    (-1, ValueError, r"seed must be >= 0; received seed=-1"),
    (1.5, TypeError, r"seed must be an int; received seed=1.5 of type float"),
    (True, TypeError, r"seed must be an int"),
])
def test_set_seed_validation(seed, error, match):
    with pytest.raises(error, match=match):
        config.set_seed(seed)


def test_set_seed_deterministic_must_be_bool():
    with pytest.raises(TypeError, match="deterministic must be a bool"):
        config.set_seed(1, deterministic="yes")


def test_build_dir_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_BUILD_DIR", str(tmp_path / "b"))
    path = config.build_dir("tuner", "x")
    assert path == (tmp_path / "b" / "tuner" / "x").resolve() and path.is_dir()


def test_build_dir_defaults_to_checkout_build(tmp_path, monkeypatch):
    monkeypatch.delenv("DLCOURSE_BUILD_DIR", raising=False)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "dlcourse").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert config.build_dir(create=False) == (tmp_path / "build").resolve()
    monkeypatch.chdir(tmp_path.parent)
    assert config.build_dir(create=False) == (tmp_path.parent / "dlcourse-build").resolve()


@pytest.mark.parametrize("part, error", [("../escape", ValueError), ("/abs", ValueError), (3, TypeError)])
def test_build_dir_validation(part, error):
    with pytest.raises(error, match="build_dir parts"):
        config.build_dir(part)


def test_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert config.keras_home() == tmp_path
    monkeypatch.delenv("KERAS_HOME")
    assert str(config.keras_home()).endswith(".keras")


def test_write_atomically_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a.json"
    assert config.write_atomically(path, "one") == path and path.read_text() == "one"
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    config.write_atomically(path, "two")
    assert path.read_text() == "two" and path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(TypeError):
        config.write_atomically(path, b"bytes are not text")
    assert path.read_text() == "two" and [p.name for p in tmp_path.iterdir()] == ["a.json"]
