"""Filling and inspecting the Keras cache: :func:`fetch` and :func:`cache_status`.

``python -m dlcourse fetch`` and ``doctor`` are thin wrappers around these two functions.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from dlcourse.data._archives import (
    archive_problem,
    check_extracted,
    ensure_extracted,
    extracted_root,
    extraction_folder,
)
from dlcourse.data._cache import algorithm_of, cache_root, cached_path, get_file, hash_matches, unavailable
from dlcourse.data.registry import RemoteFile, Resource, get

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _content_problem(resource: Resource, file: RemoteFile, path: Path) -> str | None:
    if resource.layout is not None:
        return archive_problem(path)
    if file.filename.endswith(".h5") and file.file_hash is None:
        with open(path, "rb") as handle:
            if handle.read(8) != _HDF5_SIGNATURE:
                return "it is not an HDF5 file"
    return None


def fetch(name: str, *, force: bool = False) -> list[Path]:
    """Fills the Keras cache with one registry resource and verifies every file of it.

    Hashed files are checked against their hash, archives are read in full and extracted (and
    their extraction counted), weights without a Keras hash are checked for the HDF5 signature.
    A cached file that fails is deleted and downloaded once more.

    Args:
        name: a registry name (see ``python -m dlcourse fetch --list``).
        force: download (and extract) again even when the cached copy is fine.

    Returns:
        The cached paths: the files, then the extracted folder of an archive.

    Raises:
        TypeError, ValueError: if ``name`` is not a registry name.
        DataUnavailableError: if a file cannot be downloaded or stays corrupt.

    Example:

    >>> fetch("boston_housing")[0].name  # doctest: +SKIP
    'boston_housing.npz'
    """
    resource = get(name)
    if not isinstance(force, bool):
        raise TypeError(f"force must be a bool; received force={force!r}")
    paths = []
    for file in resource.files:
        path = get_file(resource, file, force=force)
        problem = _content_problem(resource, file, path)
        if problem is not None:
            path.unlink(missing_ok=True)
            path = get_file(resource, file, force=True)
            problem = _content_problem(resource, file, path)
            if problem is not None:
                reason = f"the downloaded file is corrupt: {problem}"
                raise unavailable(resource, file.filename, reason, folder=path.parent)
        paths.append(path)
    if resource.layout is not None:
        if force:
            shutil.rmtree(extraction_folder(resource, cache_root()), ignore_errors=True)
        paths.append(ensure_extracted(resource))
    return paths


@dataclass(frozen=True)
class CacheStatus:
    """What the cache holds of one resource (see :func:`cache_status`).

    Attributes:
        name: the registry name.
        ok: whether a loader can use it now without downloading.
        detail: what was found, in words.
    """

    name: str
    ok: bool
    detail: str


def cache_status(name: str) -> CacheStatus:
    """Reports, without downloading, whether the cache holds a resource (hashes are checked).

    An archive counts as usable when its extraction is complete, or when the archive is cached
    (it is extracted on first use); MobileNetV2 weights are checked for the HDF5 signature.

    Args:
        name: a registry name.

    Returns:
        A :class:`CacheStatus`.

    Raises:
        TypeError, ValueError: if ``name`` is not a registry name.

    Example:

    >>> cache_status("boston_housing")  # doctest: +SKIP
    CacheStatus(name='boston_housing', ok=True, detail='cached; sha256 (Keras) checked')
    """
    resource = get(name)
    root = cache_root(create=False)
    missing, corrupt, found = [], [], []
    for file in resource.files:
        path = cached_path(file, root)
        if not path.is_file():
            missing.append(file.filename)
        elif file.file_hash is not None and not hash_matches(path, file.file_hash):
            corrupt.append(f"{file.filename} fails its {algorithm_of(file)} check")
        elif resource.layout is None and _content_problem(resource, file, path) is not None:
            corrupt.append(f"{file.filename} is not an HDF5 file")
        else:
            found.append(file.filename)
    if resource.layout is not None:
        complete = not check_extracted(resource, extracted_root(resource, root))
        if complete:
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
