"""Exceptions of the dlcourse package."""

from __future__ import annotations

__all__ = ["DataUnavailableError"]


class DataUnavailableError(OSError):
    """A dataset or weights file is neither in the Keras cache nor downloadable, or is corrupt.

    The message names the file, where it was looked for, and ``python -m dlcourse fetch NAME``.

    Attributes:
        dataset: the dataset's registry name, such as ``"imdb_reviews"``.
        filename: the file that is missing or corrupt.
    """

    def __init__(self, message: str, *, dataset: str | None = None, filename: str | None = None):
        super().__init__(message)
        self.dataset = dataset
        self.filename = filename

    def __str__(self) -> str:
        # OSError would print "[Errno None] None: 'file'" once filename is set; show the message.
        return str(self.args[0]) if self.args else ""
