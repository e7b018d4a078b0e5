"""The Keras cache layer: every file goes through ``keras.utils.get_file``.

Files are fetched with ``cache_dir=str(keras_home())``, so they land where Keras itself looks
(Keras reads ``KERAS_HOME`` only once, at import). Failures (offline, bad hash, unreadable file)
become one :class:`~dlcourse.errors.DataUnavailableError` naming the dataset, the file and the
command that fills the cache; no urllib traceback, no stand-in data.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from dlcourse.config import keras_home
from dlcourse.data.registry import RemoteFile, Resource, get
from dlcourse.errors import DataUnavailableError

FALLBACK_HOME = Path("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()) / ".keras"
"""Where ``keras.utils.get_file`` silently goes when the Keras home is not writable."""


def fetch_command(name: str) -> str:
    """Returns the shell command that fills the cache for ``name``."""
    return f"python -m dlcourse fetch {name}"


def is_writable(folder: Path) -> bool:
    """Returns whether ``folder`` exists and is writable (Keras's own test)."""
    return os.access(folder, os.W_OK)


def cache_root(*, create: bool = True) -> Path:
    """Returns the folder that ``get_file(cache_dir=keras_home())`` really uses.

    That is :func:`dlcourse.config.keras_home` (created when missing and ``create`` is true)
    when it is writable, and ``/tmp/.keras`` otherwise, as Keras does silently.
    """
    home = keras_home()
    if create:
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
    elif not home.exists():
        return home  # the first download creates it
    return home if is_writable(home) else FALLBACK_HOME


def cached_path(file: RemoteFile, root: Path | None = None) -> Path:
    """Returns where ``file`` lies in the cache."""
    return (root if root is not None else cache_root(create=False)) / file.cache_subdir / file.filename


def hash_matches(path: Path, file_hash: str) -> bool:
    """Checks a file against an md5 (32 hex digits) or sha256 (64) hash, as Keras does."""
    hasher = hashlib.sha256() if len(file_hash) == 64 else hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == file_hash


def reason_of(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first if len(first) <= 300 else first[:297] + "..."


def unavailable(resource: Resource, filename: str, reason: str, *, folder: Path | None = None) -> DataUnavailableError:
    """Builds the one error a loader raises when ``resource`` cannot be used.

    Args:
        resource: the registry entry.
        filename: the file that is missing or corrupt.
        reason: what went wrong, in a few words.
        folder: where the file was looked for (default: the cache folder of the first file).

    Returns:
        A :class:`~dlcourse.errors.DataUnavailableError` (to ``raise ... from None``).
    """
    if folder is None:
        folder = cache_root(create=False) / resource.files[0].cache_subdir
    message = (
        f"{resource.title} ('{resource.name}') is not available: {reason}. Looked for {filename} in {folder}. "
        f"Fill the cache with `{fetch_command(resource.name)}` on a machine with internet access, or copy a "
        "filled Keras cache folder and set KERAS_HOME to it before starting Python (see data/README.md)."
    )
    home = keras_home()
    if home.exists() and not is_writable(home):
        message += f" Note: KERAS_HOME={home} is not writable, so Keras uses {FALLBACK_HOME} instead."
    return DataUnavailableError(message, dataset=resource.name, filename=filename)


def get_file(resource: Resource, file: RemoteFile, *, force: bool = False) -> Path:
    """Returns the cached path of ``file``, downloading it through ``keras.utils.get_file``.

    A file with a hash is checked against it; a cached copy that fails the check is downloaded
    again (what Keras does), and reported as corrupt when that fails. With ``force`` the cached
    copy is set aside during the download and put back if the download fails (Keras would
    delete it).

    Raises:
        DataUnavailableError: if the file is neither cached (and valid) nor downloadable.
    """
    import keras

    root = cache_root()
    path = cached_path(file, root)
    verified = corrupt = False
    if path.is_file() and not force and file.file_hash is not None:
        verified = hash_matches(path, file.file_hash)
        corrupt = not verified
    backup = path.with_name(path.name + ".dlcourse-backup") if force and path.is_file() else None
    if backup is not None:
        os.replace(path, backup)
    try:
        result = keras.utils.get_file(
            fname=file.filename,
            origin=file.origin,
            file_hash=None if verified else file.file_hash,
            cache_subdir=file.cache_subdir,
            cache_dir=str(keras_home()),
        )
    except Exception as exc:  # Keras raises a plain Exception for URL errors, ValueError for hashes
        if backup is not None:
            os.replace(backup, path)
        if corrupt:
            reason = (
                f"the cached copy failed its {algorithm_of(file)} check and downloading it again failed "
                f"({reason_of(exc)})"
            )
        else:
            reason = f"it is not in the Keras cache and downloading it failed ({reason_of(exc)})"
        raise unavailable(resource, file.filename, reason, folder=path.parent) from None
    if backup is not None:
        backup.unlink(missing_ok=True)
    return Path(result)


def algorithm_of(file: RemoteFile) -> str:
    return "sha256" if file.file_hash and len(file.file_hash) == 64 else "md5"


def keras_home_mismatch() -> str | None:
    """Returns why ``keras.datasets`` would look in another folder than dlcourse, or ``None``.

    Keras reads ``KERAS_HOME`` once, when it is imported; if the variable changed afterwards,
    ``keras.datasets`` loaders keep using the old folder.
    """
    try:
        from keras.src.backend import config as keras_config

        imported = Path(os.path.expanduser(keras_config.keras_home()))
    except (ImportError, AttributeError):
        return None
    ours, theirs = cache_root(create=False), (imported if is_writable(imported) else FALLBACK_HOME)
    if ours.resolve() == theirs.resolve():
        return None
    return (
        f"Keras was imported with its cache in {theirs}, but KERAS_HOME now points at {ours}; keras.datasets "
        "reads only the folder Keras was imported with. Set KERAS_HOME before importing keras "
        "(in a notebook: restart the kernel)"
    )


def load_with_keras(name: str, loader):
    """Makes sure a ``keras.datasets`` resource is cached (and valid), then calls ``loader()``.

    Raises:
        DataUnavailableError: if a file is missing, corrupt, or Keras looks in another folder.
    """
    resource = get(name)
    for file in resource.files:
        get_file(resource, file)
    problem = keras_home_mismatch()
    if problem is not None:
        raise DataUnavailableError(f"{resource.title} ('{name}') cannot be loaded: {problem}.",
                                   dataset=name, filename=resource.files[0].filename)
    try:
        return loader()
    except Exception as exc:  # whatever keras.datasets raises on an unreadable file
        raise unavailable(resource, resource.files[0].filename, f"Keras could not read it ({reason_of(exc)})") from None
