"""Measuring cost: seconds per training epoch and milliseconds per image at inference.

Notebooks 09 and 10 report what a model *costs* next to what it scores: how long an epoch of
training takes on the machine at hand (so a student can predict a full run before starting it)
and how long a network needs per image (MobileNetV2 against VGG16). The numbers depend on the
machine and on its load; they are printed, never asserted.
"""

from __future__ import annotations

import time

import numpy as np

from dlcourse.validation import check_int

__all__ = ["epoch_timer", "seconds_per_image"]

_TIMER_CLASS = None


def _timer_class():
    """Builds the callback class on first use, so that importing this module does not import Keras."""
    global _TIMER_CLASS
    if _TIMER_CLASS is None:
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
                """The median epoch time, leaving out the first epoch (which also builds the graph)
                when there are at least two; ``nan`` before any epoch has run."""
                if not self.seconds:
                    return float("nan")
                times = self.seconds[1:] if len(self.seconds) > 1 else self.seconds
                return float(np.median(times))

        _TIMER_CLASS = EpochTimer
    return _TIMER_CLASS


def epoch_timer():
    """Returns a Keras callback that times each training epoch.

    Pass it to ``model.fit(..., callbacks=[timer])``; afterwards ``timer.seconds`` holds one wall
    time per epoch (training and validation of that epoch) and ``timer.seconds_per_epoch()`` the
    median, leaving out the first epoch, which also traces and compiles the training step.

    Returns:
        A fresh ``keras.callbacks.Callback`` with ``seconds`` (a list) and ``seconds_per_epoch()``.

    Example:

    >>> import keras
    >>> import numpy as np
    >>> import dlcourse
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> timer = dlcourse.epoch_timer()
    >>> history = model.fit(np.zeros((8, 4)), np.zeros(8), epochs=3, verbose=0, callbacks=[timer])
    >>> len(timer.seconds)
    3
    """
    return _timer_class()()


def seconds_per_image(model, images, *, repeats: int = 3) -> float:
    """Measures the inference time of ``model`` per image, on one batch.

    The batch is run once to warm up (tracing, memory allocation), then ``repeats`` more times;
    the result is the fastest of those runs divided by the batch size (the fastest run is the
    one least disturbed by other work on the machine).

    Args:
        model: a callable Keras model (or any callable taking a batch and ``training=False``).
        images: a NumPy array holding one batch, such as ``(8, 160, 160, 3)``.
        repeats: the number of timed runs, at least 1.

    Returns:
        Seconds per image (multiply by 1,000 for milliseconds).

    Raises:
        TypeError: if ``model`` is not callable, ``images`` not a NumPy array or ``repeats`` not
            an int.
        ValueError: if ``images`` is empty or ``repeats`` < 1.

    Example:

    >>> import keras
    >>> import numpy as np
    >>> import dlcourse
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> dlcourse.seconds_per_image(model, np.zeros((8, 4), "float32")) > 0
    True
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
