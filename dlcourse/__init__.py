"""dlcourse: the helper package of the dlcourse deep-learning course (filled in below)."""

__version__ = "0.1.0"
