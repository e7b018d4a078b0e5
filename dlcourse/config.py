"""Course-wide settings: quick mode, seeding and where runs write their files.

Quick mode is the one switch between the course's two ways of running:

* **full mode** (the default): the real data and the real number of epochs, the numbers a
  student sees;
* **quick mode** (``DLCOURSE_QUICK=1``): smaller data and fewer epochs, so that every notebook
  runs in well under a minute on a laptop CPU and in CI.

The environment variable is read here and nowhere else. Notebooks and loaders ask
:func:`quick_mode` or use :func:`pick` to choose a size.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dlcourse.validation import check_bool, check_seed

__all__ = ["quick_mode", "pick", "mode_name", "set_seed", "project_root", "build_dir", "write_atomically", "keras_home"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def quick_mode() -> bool:
    """Returns whether quick mode is on.

    Quick mode is on when the environment variable ``DLCOURSE_QUICK`` is ``1`` (or ``true``,
    ``yes``, ``on``; case-insensitive) and off when it is unset, empty, ``0``, ``false``, ``no`` or
    ``off``. The variable is read at every call, so a notebook can switch modes with
    ``os.environ["DLCOURSE_QUICK"] = "1"`` before it loads its data.

    Returns:
        ``True`` in quick mode, ``False`` in full mode.

    Raises:
        ValueError: if the variable holds anything else, so a typo such as ``DLCOURSE_QUICK=ture``
            is not silently taken as full mode.

    Example:

    >>> import os
    >>> os.environ["DLCOURSE_QUICK"] = "1"
    >>> quick_mode()
    True
    """
    raw = os.environ.get("DLCOURSE_QUICK", "")
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"DLCOURSE_QUICK must be one of 1/0, true/false, yes/no, on/off (or unset); received DLCOURSE_QUICK={raw!r}")


def pick(*, full, quick):
    """Returns ``quick`` in quick mode and ``full`` otherwise.

    This is how a notebook states both sizes of a setting in one place:
    ``epochs = pick(full=20, quick=2)``.

    Args:
        full: the value for full mode (real data, real epochs).
        quick: the value for quick mode.

    Returns:
        One of the two values, unchanged.

    Example:

    >>> import os
    >>> os.environ["DLCOURSE_QUICK"] = "0"
    >>> pick(full=20, quick=2)
    20
    """
    return quick if quick_mode() else full


def mode_name() -> str:
    """Returns the name of the current mode.

    Returns:
        ``"quick"`` in quick mode (``DLCOURSE_QUICK=1``), ``"full"`` otherwise.
    """
    return "quick" if quick_mode() else "full"


def set_seed(seed: int = 42, *, deterministic: bool = False) -> int:
    """Seeds every random number generator the course uses.

    Calls :func:`keras.utils.set_random_seed`, which seeds Python's ``random``, NumPy and the
    backend (TensorFlow). With ``deterministic=True`` it also turns on TensorFlow's op
    determinism, so that the same seed gives the same numbers run after run on the same machine
    (slower on a GPU; on a CPU most ops are deterministic already).

    Args:
        seed: a non-negative integer.
        deterministic: also call ``tf.config.experimental.enable_op_determinism()``.

    Returns:
        The seed, so a setup cell can print it.

    Raises:
        TypeError: if ``seed`` is not an integer.
        ValueError: if ``seed`` is negative.

    Example:

    >>> set_seed(0)
    0
    """
    seed = check_seed(seed)
    check_bool("deterministic", deterministic)
    import keras

    keras.utils.set_random_seed(seed)
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed


def project_root(start: str | os.PathLike | None = None) -> Path | None:
    """Returns the root of the dlcourse checkout that ``start`` lies in, or ``None``.

    Args:
        start: where to start looking (default: the current folder).

    Returns:
        The nearest folder, from ``start`` upwards, that holds both ``pyproject.toml`` and the
        ``dlcourse/`` package; ``None`` outside a checkout (for instance on Colab).
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "dlcourse").is_dir():
            return folder
    return None


def build_dir(*parts: str, create: bool = True) -> Path:
    """Returns a folder (or a path in it) where runs write their files.

    Executed notebooks, tuner projects, saved models, extracted features and figures all go here,
    never into the tracked parts of the repository. The folder is, in order of preference:

    1. ``$DLCOURSE_BUILD_DIR`` when set;
    2. ``build/`` at the root of the dlcourse checkout the current folder lies in (git-ignored);
    3. ``dlcourse-build/`` in the current folder (for instance on Colab).

    Args:
        *parts: path components below the build folder, such as ``("tuner", "search1")``.
        create: create the resulting folder (all of ``parts``) if it is missing.

    Returns:
        The absolute path.

    Raises:
        TypeError: if a part is not a string.
        ValueError: if a part is absolute or climbs out with ``..``.

    Example:

    >>> build_dir("models").name
    'models'
    """
    for part in parts:
        if not isinstance(part, str):
            raise TypeError(f"build_dir parts must be str; received {part!r} of type {type(part).__name__}")
        if os.path.isabs(part) or ".." in Path(part).parts:
            raise ValueError(f"build_dir parts must be relative paths inside the build folder; received {part!r}")
    override = os.environ.get("DLCOURSE_BUILD_DIR")
    if override:
        base = Path(override).expanduser().resolve()
    else:
        root = project_root()
        base = (root / "build") if root is not None else (Path.cwd() / "dlcourse-build").resolve()
    path = base.joinpath(*parts)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomically(path: str | os.PathLike, text: str) -> Path:
    """Writes ``text`` to ``path`` through a temporary file beside it, then renames it into place.

    A reader, or a run interrupted half-way, sees the old file or the new one, never part of one.

    Args:
        path: the file to write; its folder must exist.
        text: the content, written as UTF-8.

    Returns:
        The path written.

    Example:

    >>> path = write_atomically(build_dir("doctest") / "note.txt", "hello")
    >>> path.read_text()
    'hello'
    """
    path = Path(path)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(partial, path.stat().st_mode & 0o777 if path.exists() else 0o644)  # mkstemp makes it 0600
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise
    return path


def keras_home() -> Path:
    """Returns the Keras cache folder: ``$KERAS_HOME`` when set, else ``~/.keras``.

    This is the folder in which ``keras.utils.get_file`` keeps ``datasets/`` and ``models/``.
    Keras silently falls back to ``/tmp/.keras`` when this folder is not writable; the loaders
    and ``python -m dlcourse doctor`` report that case.

    Returns:
        The folder's path (it may not exist yet).
    """
    return Path(os.environ.get("KERAS_HOME") or Path("~/.keras").expanduser()).expanduser()
