"""Reuters-21578 newswires from the original SGML distribution (notebook 02).

A standard-library parser reads the 22 ``reut2-NNN.sgm`` files (latin-1). The task is
single-label topic classification on the ModApte split (``LEWISSPLIT`` TRAIN/TEST with
``TOPICS="YES"``), single-topic stories of the 52 topics found in both splits: R52.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlcourse.data.cache import ensure_extracted
from dlcourse.data.registry import get
from dlcourse.data.subsets import subset_indices
from dlcourse.validation import check_max_size, check_seed

__all__ = [
    "REUTERS_NUM_TOPICS",
    "REUTERS_TEST_SIZE",
    "REUTERS_TRAIN_SIZE",
    "ReutersStory",
    "load_reuters_newswires",
    "modapte_single_topic",
    "parse_reuters_sgml",
    "read_reuters_stories",
]

REUTERS_TRAIN_SIZE, REUTERS_TEST_SIZE, REUTERS_NUM_TOPICS = 6_532, 2_568, 52
"""R52's training and test stories and topics (measured on the archive; checked by the tests)."""

_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'([A-Z]+)="([^"]*)"')
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_D = re.compile(r"<D>(.*?)</D>", re.S)
_TEXT = re.compile(r"<TEXT\b[^>]*>(.*?)</TEXT>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_TAG = re.compile(r"<[^>]+>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class ReutersStory:
    """One ``<REUTERS>`` document: its ``NEWID``, ``LEWISSPLIT`` and ``TOPICS`` attributes, its
    ``<TOPICS>`` codes, ``<TITLE>``, and ``<BODY>`` (or the whole text of an ``UNPROC`` story)."""

    newid: int
    lewis_split: str
    topics_attr: str
    topics: tuple[str, ...]
    title: str
    body: str

    @property
    def text(self) -> str:
        """The title and the body, one paragraph each."""
        return "\n".join(part for part in (self.title, self.body) if part)

    @property
    def modapte_split(self) -> str | None:
        """``"train"`` or ``"test"`` in the ModApte split, else ``None``."""
        if self.topics_attr != "YES" or self.lewis_split not in ("TRAIN", "TEST"):
            return None
        return self.lewis_split.lower()


def _clean(raw: str) -> str:
    return _CONTROL.sub("", html.unescape(raw)).strip()


def parse_reuters_sgml(text: str) -> Iterator[ReutersStory]:
    """Yields the stories of one Reuters-21578 SGML file's content.

    Args:
        text: the content of a ``reut2-NNN.sgm`` file, read as latin-1.

    Yields:
        One :class:`ReutersStory` per ``<REUTERS>`` element, in file order.

    Raises:
        TypeError: if ``text`` is not a string.
        ValueError: if a ``<REUTERS>`` element has no ``NEWID``.

    Example:

    >>> from dlcourse.data import parse_reuters_sgml
    >>> sgml = ('<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" NEWID="1"><TOPICS><D>cocoa</D></TOPICS>'
    ...         '<TEXT><TITLE>COCOA</TITLE><BODY>Showers continued.</BODY></TEXT></REUTERS>')
    >>> [(s.newid, s.topics, s.text) for s in parse_reuters_sgml(sgml)]
    [(1, ('cocoa',), 'COCOA\\nShowers continued.')]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the file read as latin-1); received text of type {type(text).__name__}")
    for match in _DOC.finditer(text):
        attrs = dict(_ATTR.findall(match.group(1)))
        if "NEWID" not in attrs:
            raise ValueError(f"every <REUTERS> element needs a NEWID attribute; received <REUTERS{match.group(1)}>")
        inner = match.group(2)
        topics = _TOPICS.search(inner)
        content = _TEXT.search(inner)
        content = content.group(1) if content else ""
        title, body = _TITLE.search(content), _BODY.search(content)
        if title is None and body is None:  # TYPE="UNPROC": the text is not split into parts
            body_text = _clean(_TAG.sub(" ", content))
        else:
            body_text = _clean(body.group(1)) if body else ""
        yield ReutersStory(
            newid=int(attrs["NEWID"]),
            lewis_split=attrs.get("LEWISSPLIT", ""),
            topics_attr=attrs.get("TOPICS", ""),
            topics=tuple(_clean(d) for d in _D.findall(topics.group(1))) if topics else (),
            title=_clean(title.group(1)) if title else "",
            body=body_text,
        )


def _sgm_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("reut2-*.sgm"))


@functools.lru_cache(maxsize=2)
def _parse_folder(folder: str, signature: tuple) -> tuple[ReutersStory, ...]:
    stories = []
    for path in _sgm_files(Path(folder)):
        stories.extend(parse_reuters_sgml(path.read_text(encoding="latin-1")))
    return tuple(stories)


def read_reuters_stories(folder=None) -> tuple[ReutersStory, ...]:
    """Returns all 21,578 stories of the collection, in ``NEWID`` order.

    Args:
        folder: a folder of ``reut2-NNN.sgm`` files (default: the archive in the Keras cache).

    Returns:
        A tuple of :class:`ReutersStory` (parsed once per process and folder).

    Raises:
        TypeError: if ``folder`` is not a path.
        ValueError: if ``folder`` holds no ``reut2-*.sgm`` file.
        DataUnavailableError: if the archive is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import read_reuters_stories
    >>> len(read_reuters_stories())
    21578
    """
    if folder is None:
        folder = ensure_extracted(get("reuters21578"))
    elif not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be a path (str or pathlib.Path) or None; received folder={folder!r}")
    folder = Path(folder)
    files = _sgm_files(folder)
    if not files:
        raise ValueError(f"folder must hold the reut2-NNN.sgm files; received folder={str(folder)!r} with none")
    signature = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    return _parse_folder(str(folder.resolve()), signature)


def modapte_single_topic(stories) -> tuple[list[ReutersStory], list[ReutersStory], tuple[str, ...]]:
    """Returns ``(train_stories, test_stories, topics)``: the single-topic ModApte stories whose topic
    occurs in both splits, and those topics, sorted."""
    single = [s for s in stories if len(s.topics) == 1 and s.modapte_split is not None]
    in_split = {split: Counter(s.topics[0] for s in single if s.modapte_split == split) for split in ("train", "test")}
    topics = tuple(sorted(set(in_split["train"]) & set(in_split["test"])))
    kept = [s for s in single if s.topics[0] in set(topics)]
    return [s for s in kept if s.modapte_split == "train"], [s for s in kept if s.modapte_split == "test"], topics


def load_reuters_newswires(*, max_train=None, max_test=None, seed=0):
    """Loads Reuters-21578 for single-label topic classification (ModApte, 52 topics).

    Kept: ModApte stories with exactly one topic, of the 52 topics found in both splits: 6,532
    training and 2,568 test stories (R52). A story's text is its title and body. Both splits
    come back shuffled by ``seed``; a subset is stratified by topic.

    Args:
        max_train: keep this many training stories (``None``: all 6,532).
        max_test: keep this many test stories (``None``: all 2,568).
        seed: seed of the order and of the subset.

    Returns:
        ``(x_train, y_train), (x_test, y_test), topic_names``: object arrays of ``str``, int32
        labels indexing ``topic_names`` (the 52 topic codes, sorted).

    Raises:
        TypeError, ValueError: for a bad ``max_train``, ``max_test`` or ``seed``.
        DataUnavailableError: if the archive is neither cached nor downloadable, or is corrupt.

    Example:

    >>> from dlcourse.data import load_reuters_newswires
    >>> (x_train, y_train), (x_test, y_test), topics = load_reuters_newswires()
    >>> len(x_train), len(x_test), len(topics)
    (6532, 2568, 52)
    """
    max_train = check_max_size("max_train", max_train, REUTERS_TRAIN_SIZE)
    max_test = check_max_size("max_test", max_test, REUTERS_TEST_SIZE)
    seed = check_seed(seed)
    train, test, topics = modapte_single_topic(read_reuters_stories())
    index = {t: i for i, t in enumerate(topics)}
    splits = []
    for stories, size, split_seed in ((train, max_train, seed), (test, max_test, seed + 1)):
        x = np.array([s.text for s in stories], dtype=object)
        y = np.array([index[s.topics[0]] for s in stories], dtype=np.int32)
        rows = subset_indices(len(x), size, split_seed, labels=y, shuffle_all=True)
        splits.append((x[rows], y[rows]))
    return splits[0], splits[1], topics
