"""Archives in the Keras cache: extracted once, checked by content before every use.

Keras 3.15's ``get_file(extract=True)`` extracts again on every call, and these archives have no
published hash. So an archive is extracted here into a temporary sibling folder that is renamed
into place when complete, and the extraction is checked by its file counts (the registry's
``ArchiveLayout``) before every use; a partial or damaged extraction is detected and redone.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tarfile
import zipfile
import zlib
from pathlib import Path

from dlcourse.data._cache import cache_root, get_file, reason_of, unavailable
from dlcourse.data.registry import Resource

ARCHIVE_ERRORS = (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, zlib.error, ValueError)
"""What reading a damaged zip or tar archive raises."""


def extraction_folder(resource: Resource, root: Path | None = None) -> Path:
    """Returns the folder an archive is extracted into (Keras's ``<name>_extracted``)."""
    root = root if root is not None else cache_root(create=False)
    return root / "datasets" / resource.layout.folder


def extracted_root(resource: Resource, root: Path | None = None) -> Path:
    """Returns the archive's top folder inside its extraction folder."""
    folder = extraction_folder(resource, root)
    return folder / resource.layout.root if resource.layout.root else folder


def check_extracted(resource: Resource, folder: Path | None = None) -> list[str]:
    """Checks an extracted archive by content: the expected number of non-empty files per folder.

    Args:
        resource: a registry entry with a ``layout``.
        folder: the archive's top folder (default: :func:`extracted_root`).

    Returns:
        The problems found, in words; an empty list when the extraction is complete.
    """
    layout = resource.layout
    folder = Path(folder) if folder is not None else extracted_root(resource)
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


def _excluded(name: str, prefixes: tuple[str, ...]) -> bool:
    name = name[2:] if name.startswith("./") else name
    return any(name == p.rstrip("/") or name.startswith(p) for p in prefixes)


def _extract_all(archive: Path, destination: Path, exclude: tuple[str, ...]) -> None:
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:  # zipfile drops absolute paths and ".." itself
            zf.extractall(destination, [m for m in zf.infolist() if not _excluded(m.filename, exclude)])
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            members = [m for m in tf if not _excluded(m.name, exclude)]
            if hasattr(tarfile, "data_filter"):
                tf.extractall(destination, members=members, filter="data")
            else:  # Python without extraction filters: refuse unsafe names ourselves
                for m in members:
                    if os.path.isabs(m.name) or ".." in Path(m.name).parts or m.issym() or m.islnk():
                        raise ValueError(f"unsafe archive member {m.name!r}")
                tf.extractall(destination, members=members)
    else:
        raise ValueError("it is neither a zip nor a tar archive")


def extract(resource: Resource, archive: Path) -> Path:
    """Extracts ``archive`` into the resource's extraction folder, replacing an incomplete one.

    The archive is extracted into a temporary sibling folder first and renamed into place, so an
    interrupted extraction never looks complete.

    Raises:
        DataUnavailableError: if the archive cannot be read or lacks files.
    """
    target = extraction_folder(resource, cache_root())
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"dlcourse: extracting {archive.name} into {target} (once) ...", flush=True)
    try:
        _extract_all(archive, partial, resource.layout.exclude)
    except ARCHIVE_ERRORS as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise unavailable(resource, archive.name, f"the cached archive is corrupt or truncated ({reason_of(exc)})",
                          folder=archive.parent) from None
    problems = check_extracted(resource, partial / resource.layout.root if resource.layout.root else partial)
    if problems:
        shutil.rmtree(partial, ignore_errors=True)
        raise unavailable(resource, archive.name, "the cached archive is incomplete: " + "; ".join(problems),
                          folder=archive.parent)
    shutil.rmtree(target, ignore_errors=True)
    try:
        os.replace(partial, target)
    except OSError:  # another process put a complete copy in place meanwhile
        shutil.rmtree(partial, ignore_errors=True)
    return target


def ensure_extracted(resource: Resource) -> Path:
    """Returns the checked top folder of an extracted archive, extracting it when needed.

    An existing extraction is reused when its file counts are right; otherwise the archive is
    fetched through ``get_file`` (a no-op when cached) and extracted again.

    Raises:
        DataUnavailableError: if the archive is missing and cannot be downloaded, or is corrupt.
    """
    folder = extracted_root(resource, cache_root())
    if not check_extracted(resource, folder):
        return folder
    archive = get_file(resource, resource.files[0])
    extract(resource, archive)
    problems = check_extracted(resource, folder)
    if problems:
        raise unavailable(resource, resource.files[0].filename, "its extraction is incomplete: " + "; ".join(problems),
                          folder=folder)
    return folder


def archive_problem(path: Path) -> str | None:
    """Reads a whole zip or tar archive; returns what is wrong with it, or ``None``."""
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
    except ARCHIVE_ERRORS as exc:
        return f"it cannot be read ({reason_of(exc)})"


