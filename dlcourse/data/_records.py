"""The records of the registry: a file in the Keras cache, an archive's layout, a resource."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RemoteFile:
    """One file as ``keras.utils.get_file`` caches it.

    Attributes:
        filename: the file's name in the cache, as Keras names it.
        origin: the publisher's URL that Keras downloads it from.
        cache_subdir: the folder under the Keras cache (``datasets``, ``models``, ...).
        size: the published file's size in bytes (for display; never used to verify).
        file_hash: md5 (32 hex digits) or sha256 (64) that the file must match, or ``None``.
        hash_source: who publishes ``file_hash``: ``"Keras"`` or ``"publisher"``.
    """

    filename: str
    origin: str
    cache_subdir: str = "datasets"
    size: int = 0
    file_hash: str | None = None
    hash_source: str = ""


@dataclass(frozen=True)
class ArchiveLayout:
    """What an archive must hold once extracted, checked file by file count.

    Attributes:
        folder: the extraction folder in the cache's ``datasets/`` (Keras's ``<name>_extracted``).
        root: the archive's top folder inside ``folder`` (``""`` for a flat archive).
        pattern: the glob of the counted files, such as ``"*.txt"``.
        counts: expected number of ``pattern`` files per sub-folder of ``root``.
        exclude: member prefixes that are not extracted (parts the course never reads).
    """

    folder: str
    root: str
    pattern: str
    counts: Mapping[str, int]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """A dataset or weights file of the course.

    Attributes:
        name: the registry name, used by ``python -m dlcourse fetch NAME``.
        title: a human name.
        kind: ``"dataset"`` or ``"weights"``.
        files: the cached files.
        licence: the licence or terms of use.
        notebooks: numbers of the notebooks that use it.
        verification: how a cached copy is checked, in words.
        description: what it holds.
        used_by: the dlcourse or Keras function that reads it.
        layout: for archives, what the extraction must hold.
        required: whether the course needs it (``False``: an optional, online-only switch).
    """

    name: str
    title: str
    kind: str
    files: tuple[RemoteFile, ...]
    licence: str
    notebooks: tuple[str, ...]
    verification: str
    description: str
    used_by: str
    layout: ArchiveLayout | None = None
    required: bool = True

    @property
    def size(self) -> int:
        """Total published size of the files in bytes."""
        return sum(f.size for f in self.files)
