"""The Keras cache: files through ``keras.utils.get_file``, archives extracted once, fetch and status.

Files land in ``cache_dir=str(keras_home())``, where Keras itself looks. Any failure (offline, bad
hash, unreadable file) becomes one :class:`~dlcourse.errors.DataUnavailableError` naming the
dataset, the file and the command that fills the cache.

Archives have no published hash, and Keras 3.15's ``get_file(extract=True)`` extracts again on
every call. So an archive is unpacked once into a temporary folder beside its extraction folder,
checked by its file counts (the registry's ``ArchiveLayout``) and renamed into place under a lock,
so a complete extraction is never removed while another process reads it.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from dlcourse.config import keras_home
from dlcourse.data.registry import RemoteFile, Resource, get
from dlcourse.errors import DataUnavailableError
from dlcourse.validation import check_bool

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None

__all__ = [
    "FALLBACK_HOME",
    "CacheStatus",
    "cache_root",
    "cache_status",
    "check_extracted",
    "ensure_extracted",
    "fetch",
    "is_writable",
    "keras_home_mismatch",
    "load_with_keras",
]

FALLBACK_HOME = Path("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()) / ".keras"
"""Where ``keras.utils.get_file`` silently goes when the Keras home is not writable."""

_ARCHIVE_ERRORS = (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, zlib.error, ValueError)
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def is_writable(folder: Path) -> bool:
    """Returns whether ``folder`` exists and is writable (Keras's own test)."""
    return os.access(folder, os.W_OK)


def cache_root(*, create: bool = True) -> Path:
    """Returns the folder ``get_file(cache_dir=keras_home())`` really uses: the Keras home (created
    with ``create``) when it is writable, else ``/tmp/.keras``, as Keras does silently."""
    home = keras_home()
    if create:
        with contextlib.suppress(OSError):
            home.mkdir(parents=True, exist_ok=True)
    elif not home.exists():
        return home  # the first download creates it
    return home if is_writable(home) else FALLBACK_HOME


def _cached_path(file: RemoteFile, root: Path) -> Path:
    return root / file.cache_subdir / file.filename


def _algorithm(file: RemoteFile) -> str:
    return "sha256" if file.file_hash and len(file.file_hash) == 64 else "md5"


def _hash_matches(path: Path, file: RemoteFile) -> bool:
    # Keras's validate_file is private and hashlib.file_digest needs Python 3.11.
    hasher = hashlib.new(_algorithm(file))
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == file.file_hash


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first if len(first) <= 300 else first[:297] + "..."


def _unavailable(resource: Resource, filename: str, reason: str, *, folder: Path | None = None):
    """Builds the one error raised when ``resource`` cannot be used (to ``raise ... from None``)."""
    if folder is None:
        folder = cache_root(create=False) / resource.files[0].cache_subdir
    message = (
        f"{resource.title} ('{resource.name}') is not available: {reason}. Looked for {filename} in {folder}. "
        f"Fill the cache with `python -m dlcourse fetch {resource.name}` on a machine with internet access, or "
        "copy a filled Keras cache folder and set KERAS_HOME to it before starting Python (see data/README.md)."
    )
    home = keras_home()
    if home.exists() and not is_writable(home):
        message += f" Note: KERAS_HOME={home} is not writable, so Keras uses {FALLBACK_HOME} instead."
    return DataUnavailableError(message, dataset=resource.name, filename=filename)


def _get_file(resource: Resource, file: RemoteFile, *, force: bool = False) -> Path:
    """Returns the cached path of ``file``, downloading it through ``keras.utils.get_file``.

    The hash is checked here only to say "corrupt" rather than "missing" when the download
    fails. With ``force`` the cached copy is put back if the download fails (Keras deletes it).
    """
    import keras

    path = _cached_path(file, cache_root())
    corrupt = path.is_file() and not force and file.file_hash is not None and not _hash_matches(path, file)
    backup = path.with_name(path.name + ".dlcourse-backup") if force and path.is_file() else None
    if backup is not None:
        os.replace(path, backup)
    try:
        result = keras.utils.get_file(fname=file.filename, origin=file.origin, file_hash=file.file_hash,
                                      cache_subdir=file.cache_subdir, cache_dir=str(keras_home()))
    except Exception as exc:  # Keras raises a plain Exception for URL errors, ValueError for hashes
        if backup is not None:
            os.replace(backup, path)
        if corrupt:
            reason = f"the cached copy failed its {_algorithm(file)} check and downloading it again failed"
        else:
            reason = "it is not in the Keras cache and downloading it failed"
        raise _unavailable(resource, file.filename, f"{reason} ({_reason(exc)})", folder=path.parent) from None
    if backup is not None:
        backup.unlink(missing_ok=True)
    return Path(result)


def keras_home_mismatch() -> str | None:
    """Returns why ``keras.datasets`` would look in another folder than dlcourse (Keras reads
    ``KERAS_HOME`` once, at import), or ``None``."""
    try:
        # Private on purpose: Keras has no public accessor for the home it was imported with.
        # keras.src.backend.config.keras_home exists since Keras 3.0; checked with 3.15.
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
    """Makes sure a ``keras.datasets`` resource is cached (and valid), then returns ``loader(keras)``.

    Args:
        name: the registry name, such as ``"boston_housing"``.
        loader: such as ``lambda keras: keras.datasets.boston_housing.load_data()``.

    Raises:
        DataUnavailableError: if a file is missing, corrupt, or Keras looks in another folder.
    """
    import keras

    resource = get(name)
    for file in resource.files:
        _get_file(resource, file)
    problem = keras_home_mismatch()
    if problem is not None:
        raise DataUnavailableError(f"{resource.title} ('{name}') cannot be loaded: {problem}.",
                                   dataset=name, filename=resource.files[0].filename)
    try:
        return loader(keras)
    except Exception as exc:  # whatever keras.datasets raises on an unreadable file
        raise _unavailable(resource, resource.files[0].filename, f"Keras could not read it ({_reason(exc)})") from None


# --- archives ---------------------------------------------------------------------------------


def _extraction_folder(resource: Resource, root: Path) -> Path:
    return root / "datasets" / resource.layout.folder


def _top(resource: Resource, folder: Path) -> Path:
    return folder / resource.layout.root if resource.layout.root else folder


def check_extracted(resource: Resource, folder: Path) -> list[str]:
    """Returns the problems, in words, of the archive extracted in ``folder`` (its top folder, as
    :func:`ensure_extracted` returns it): wrong numbers of files, empty files; ``[]`` when complete."""
    layout = resource.layout
    folder = Path(folder)
    if not folder.is_dir():
        return [f"{folder} does not exist"]
    problems = []
    for sub, expected in layout.counts.items():
        where = folder / sub if sub else folder
        label = f"{layout.root}/{sub}".strip("/") or folder.name
        if not where.is_dir():
            problems.append(f"{label}/ is missing")
            continue
        count = empty = 0
        with os.scandir(where) as entries:
            for entry in entries:
                if fnmatch.fnmatch(entry.name, layout.pattern) and entry.is_file():
                    count += 1
                    empty += entry.stat().st_size == 0
        if count != expected:
            problems.append(f"{label}/ holds {count:,} {layout.pattern} files, expected {expected:,}")
        if empty:
            problems.append(f"{label}/ holds {empty:,} empty files")
    return problems


@contextlib.contextmanager
def _locked(folder: Path):
    """Holds an exclusive ``flock`` on ``folder`` itself, so no lock file is left (``filelock`` is no dependency)."""
    if fcntl is None:  # Windows: os.rename onto an existing folder fails there, which is handled
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _extract(resource: Resource, archive: Path, *, replace: bool = False) -> None:
    """Unpacks ``archive`` into a private temporary folder, checks it and renames it into place.

    Only the swap runs under the lock: a complete extraction in place (another process's) is
    kept, unless ``replace``; a damaged one is set aside. So a complete copy is never removed
    while another process reads it.
    """
    target = _extraction_folder(resource, cache_root())
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    print(f"dlcourse: extracting {archive.name} into {target} (once) ...", flush=True)
    try:
        try:
            # Tar: the "data" filter refuses absolute paths, ".." and links out. Zip: zipfile drops
            # those itself, and Python < 3.12 passes no filter to its zip unpacker.
            safe = {} if archive.name.endswith(".zip") else {"filter": "data"}
            shutil.unpack_archive(archive, partial, **safe)
        except _ARCHIVE_ERRORS as exc:
            reason = f"the cached archive is corrupt or truncated ({_reason(exc)})"
            raise _unavailable(resource, archive.name, reason, folder=archive.parent) from None
        for prefix in resource.layout.exclude:  # parts the course never reads
            shutil.rmtree(partial / prefix, ignore_errors=True)
        problems = check_extracted(resource, _top(resource, partial))
        if problems:
            reason = "the cached archive is incomplete: " + "; ".join(problems)
            raise _unavailable(resource, archive.name, reason, folder=archive.parent)
        with _locked(target.parent):
            if target.exists() and (replace or check_extracted(resource, _top(resource, target))):
                stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale-", dir=target.parent))
                os.rename(target, stale / target.name)
                shutil.rmtree(stale, ignore_errors=True)
            with contextlib.suppress(OSError):  # a complete copy is in place: use that one
                os.rename(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def ensure_extracted(resource: Resource) -> Path:
    """Returns the checked top folder of an extracted archive, extracting it when needed.

    A complete extraction is reused; otherwise the archive is fetched (a no-op when cached) and
    extracted again. Safe when several processes call it at once.

    Args:
        resource: a registry entry with a ``layout``, such as ``get("imdb_reviews")``.

    Returns:
        The archive's top folder, such as ``.../datasets/aclImdb_v1_extracted/aclImdb``.

    Raises:
        DataUnavailableError: if the archive is missing and cannot be downloaded, or is corrupt.
    """
    folder = _top(resource, _extraction_folder(resource, cache_root()))
    if not check_extracted(resource, folder):
        return folder
    _extract(resource, _get_file(resource, resource.files[0]))
    problems = check_extracted(resource, folder)
    if problems:
        reason = "its extraction is incomplete: " + "; ".join(problems)
        raise _unavailable(resource, resource.files[0].filename, reason, folder=folder)
    return folder


# --- fetch and status -------------------------------------------------------------------------


def _content_problem(resource: Resource, file: RemoteFile, path: Path) -> str | None:
    """Reads a whole zip or tar archive, or an unhashed HDF5 file's signature; says what is wrong."""
    if resource.layout is None:
        if file.filename.endswith(".h5") and file.file_hash is None:
            with open(path, "rb") as handle:
                if handle.read(8) != _HDF5_SIGNATURE:
                    return "it is not an HDF5 file"
        return None
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
            return None if bad is None else f"member {bad} fails its CRC check"
        if tarfile.is_tarfile(path):
            with tarfile.open(path) as tf:
                for _ in tf:
                    pass
            return None
        return "it is neither a zip nor a tar archive"
    except _ARCHIVE_ERRORS as exc:
        return f"it cannot be read ({_reason(exc)})"


def fetch(name: str, *, force: bool = False) -> list[Path]:
    """Fills the Keras cache with one registry resource and verifies every file of it.

    Hashes are checked, archives read in full and extracted, unhashed weights checked for the
    HDF5 signature; a cached file that fails is downloaded once more.

    Args:
        name: a registry name (see ``python -m dlcourse fetch --list``).
        force: download (and extract) again even when the cached copy is fine.

    Returns:
        The cached paths: the files, then the extracted folder of an archive.

    Raises:
        TypeError, ValueError: if ``name`` is not a registry name or ``force`` not a bool.
        DataUnavailableError: if a file cannot be downloaded or stays corrupt.

    Example:

    >>> import dlcourse.data
    >>> dlcourse.data.fetch("boston_housing")[0].name
    'boston_housing.npz'
    """
    resource = get(name)
    check_bool("force", force)
    paths = []
    for file in resource.files:
        path = _get_file(resource, file, force=force)
        if _content_problem(resource, file, path) is not None:
            path.unlink(missing_ok=True)
            path = _get_file(resource, file, force=True)
            problem = _content_problem(resource, file, path)
            if problem is not None:
                raise _unavailable(resource, file.filename, f"the downloaded file is corrupt: {problem}",
                                   folder=path.parent)
        paths.append(path)
    if resource.layout is not None:
        if force:
            _extract(resource, paths[0], replace=True)
        paths.append(ensure_extracted(resource))
    return paths


@dataclass(frozen=True)
class CacheStatus:
    """What the cache holds of one resource: its ``name``, whether it is usable now (``ok``) and the ``detail``."""

    name: str
    ok: bool
    detail: str


def cache_status(name: str) -> CacheStatus:
    """Returns a :class:`CacheStatus` of registry resource ``name``, checking hashes, downloading nothing.

    Raises:
        TypeError, ValueError: if ``name`` is not a registry name.

    Example:

    >>> import dlcourse.data
    >>> dlcourse.data.cache_status("boston_housing")
    CacheStatus(name='boston_housing', ok=True, detail='cached; sha256 (Keras) checked')
    """
    resource = get(name)
    root = cache_root(create=False)
    missing, corrupt = [], []
    for file in resource.files:
        path = _cached_path(file, root)
        if not path.is_file():
            missing.append(file.filename)
        elif file.file_hash is not None and not _hash_matches(path, file):
            corrupt.append(f"{file.filename} fails its {_algorithm(file)} check")
        elif resource.layout is None and _content_problem(resource, file, path) is not None:
            corrupt.append(f"{file.filename} is not an HDF5 file")
    if resource.layout is not None:
        if not check_extracted(resource, _top(resource, _extraction_folder(resource, root))):
            note = "archive cached" if not missing else "archive not cached"
            return CacheStatus(name, True, f"extracted copy complete ({note})")
        if not missing:
            return CacheStatus(name, True, "archive cached; extracted on first use")
    if corrupt:
        return CacheStatus(name, False, "corrupt: " + "; ".join(corrupt))
    if missing:
        return CacheStatus(name, False, "missing: " + ", ".join(missing))
    how = f"; {resource.verification} checked" if resource.files[0].file_hash else ""
    return CacheStatus(name, True, f"cached{how}")
