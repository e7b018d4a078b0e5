"""Measuring cost: seconds per training epoch and seconds per image at inference.

The numbers depend on the machine and its load; the notebooks print them, never assert them.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from dlcourse.validation import check_int

__all__ = ["epoch_timer", "seconds_per_image"]

@functools.cache
def _timer_class():
    """Builds the callback class on first use, so that importing this module does not import Keras."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        """Records the wall time of every training epoch (validation included) in ``seconds``."""

        def __init__(self):
            super().__init__()
            self.seconds: list[float] = []
            self._start = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

        def seconds_per_epoch(self) -> float:
            """The median epoch time without the first (which also traces the graph); ``nan`` before any epoch."""
            if not self.seconds:
                return float("nan")
            return float(np.median(self.seconds[1:] if len(self.seconds) > 1 else self.seconds))

    return EpochTimer


def epoch_timer():
    """Returns a Keras callback that times each training epoch.

    Pass it to ``model.fit(..., callbacks=[timer])``; afterwards ``timer.seconds`` holds one wall
    time per epoch and ``timer.seconds_per_epoch()`` their median without the first epoch.

    Returns:
        A fresh ``keras.callbacks.Callback`` with ``seconds`` (a list) and ``seconds_per_epoch()``.
    """
    return _timer_class()()


def seconds_per_image(model, images, *, repeats: int = 3) -> float:
    """Measures the inference time of ``model`` per image, on one batch.

    The batch runs once to warm up, then ``repeats`` times; the fastest run counts.

    Args:
        model: a callable Keras model (or any callable taking a batch and ``training=False``).
        images: a NumPy array holding one batch, such as ``(8, 160, 160, 3)``.
        repeats: the number of timed runs, at least 1.

    Returns:
        Seconds per image.

    Raises:
        TypeError: if ``model`` is not callable, ``images`` not a NumPy array or ``repeats`` not
            an int.
        ValueError: if ``images`` is empty or ``repeats`` < 1.
    """
    if not callable(model):
        raise TypeError(f"model must be a callable Keras model; received model of type {type(model).__name__}")
    if not isinstance(images, np.ndarray):
        raise TypeError(
            f"images must be a NumPy array holding one batch; received images of type {type(images).__name__}"
        )
    if images.ndim < 1 or len(images) == 0:
        raise ValueError(f"images must hold at least one image; received images with shape {images.shape}")
    repeats = check_int("repeats", repeats, minimum=1)
    import keras

    def run():
        keras.ops.convert_to_numpy(model(images, training=False))  # convert: wait for the result

    run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best / len(images)
