"""Course-wide settings: quick mode, seeding and where runs write their files.

Full mode (the default) uses the real data and epochs; quick mode (``DLCOURSE_QUICK=1``) uses
smaller data and fewer epochs, so every notebook runs in about a minute. The variable is read
here and nowhere else.
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
    """Tells whether quick mode is on, reading ``DLCOURSE_QUICK`` at every call.

    Returns:
        ``True`` if the variable is 1/true/yes/on, ``False`` if it is 0/false/no/off or unset.

    Raises:
        ValueError: if the variable is not one of 1/0, true/false, yes/no, on/off (or unset), so a
            typo such as ``DLCOURSE_QUICK=ture`` is not silently taken as full mode.

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
    raise ValueError(f"DLCOURSE_QUICK must be one of 1/0, true/false, yes/no, on/off (or unset); "
                     f"received DLCOURSE_QUICK={raw!r}")


def pick(*, full, quick):
    """Chooses a value by mode: ``epochs = pick(full=20, quick=2)``.

    Args:
        full: the value for full mode (the real data and epochs).
        quick: the value for quick mode (``DLCOURSE_QUICK=1``, as in CI).

    Returns:
        ``quick`` in quick mode, ``full`` otherwise.

    Example:
    >>> import os
    >>> os.environ["DLCOURSE_QUICK"] = "0"
    >>> pick(full=20, quick=2)
    20
    """
    return quick if quick_mode() else full


def mode_name() -> str:
    """Returns the name of the mode, for file names and reports.

    Returns:
        ``"quick"`` in quick mode, ``"full"`` otherwise.
    """
    return "quick" if quick_mode() else "full"


def set_seed(seed: int = 42, *, deterministic: bool = False) -> int:
    """Seeds Python, NumPy and TensorFlow with :func:`keras.utils.set_random_seed`; returns the seed.

    Args:
        seed: a non-negative integer.
        deterministic: also call ``tf.config.experimental.enable_op_determinism()`` (the same
            numbers run after run on one machine; slower on a GPU).

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
    """Finds the checkout's root: the nearest folder upwards holding ``pyproject.toml`` and ``dlcourse/``.

    Args:
        start: the folder to start from (default: the current one).

    Returns:
        The root's path, or ``None`` outside a checkout.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "dlcourse").is_dir():
            return folder
    return None


def build_dir(*parts: str, create: bool = True) -> Path:
    """Returns a folder (or a path in it) where runs write their files, never the tracked repository.

    The folder is ``$DLCOURSE_BUILD_DIR`` when set, else ``build/`` at the checkout's root, else
    ``dlcourse-build/`` in the current folder (on Colab, say).

    Args:
        *parts: path components below the build folder, such as ``("tuner", "search1")``.
        create: create the resulting folder if it is missing.

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
    """Writes ``text`` (UTF-8) to ``path`` through a temporary file beside it, renamed into place.

    A reader, or a run interrupted half-way, sees the old file or the new one, never part of one.

    Args:
        path: the file to write.
        text: its new content.

    Returns:
        ``path`` as a ``Path``.

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
    """Returns the Keras cache folder, ``$KERAS_HOME`` or ``~/.keras``.

    Returns:
        The folder's path (it may not exist yet).
    """
    return Path(os.environ.get("KERAS_HOME") or Path("~/.keras").expanduser()).expanduser()
