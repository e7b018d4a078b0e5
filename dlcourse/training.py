"""The package's training recipe: Adam with warm-up and cosine decay, larger batches, tf.data.

The notebooks teach the textbook's recipe (RMSprop at its default rate, a fixed batch size,
NumPy arrays handed to ``fit``), because that is what the book explains and what its figures
come from. :func:`train` is what the package recommends once the ideas are understood:

* **Adam with a warm-up then cosine learning-rate schedule** over the planned run: a peak rate
  of 3e-3 (three times Adam's default), reached gradually, then decayed to zero at the last
  step, so that a run of a few epochs ends at a well-converged point instead of wherever a
  constant rate happened to leave it;
* **a larger batch** (128) and **several steps per call** (``steps_per_execution=16``): fewer
  steps per epoch, and the Python overhead of each step paid once per 16 steps;
* **a tf.data pipeline**: the arrays are sliced once into a dataset that is shuffled each
  epoch and batched (:func:`as_dataset`), which costs less per epoch than Keras's handling of
  arrays.
* optionally **label smoothing** (``label_smoothing=0.1``), which keeps a short run from
  growing over-confident.

With :func:`dlcourse.models.convnet.fast_convnet` this is the course's fast route for image
models on a CPU.

``benchmarks/time_to_accuracy.py`` measures both recipes on Fashion-MNIST and IMDB; the figures
are in ``BENCHMARKS.md``.
"""

from __future__ import annotations

import math

import numpy as np

from dlcourse.validation import (
    check_bool,
    check_choice,
    check_finite,
    check_float,
    check_input_fits,
    check_int,
    check_rate,
    check_targets,
)

__all__ = ["as_dataset", "train", "warmup_cosine"]

_SCHEDULES = ("warmup_cosine", "constant")
"""The ``schedule`` choices of :func:`train`."""


def warmup_cosine(learning_rate: float, total_steps: int, *, warmup: float = 0.1):
    """Returns a schedule that rises linearly to ``learning_rate``, then decays to 0 along a cosine.

    Keras's ``CosineDecay`` with a warm-up: 0 at step 0, ``learning_rate`` after
    ``round(warmup * total_steps)`` steps, then half a cosine down to 0 at ``total_steps``.

    Args:
        learning_rate: the peak learning rate, > 0.
        total_steps: the number of training steps of the whole run (epochs x steps per epoch),
            >= 1.
        warmup: the share of ``total_steps`` spent warming up, in ``[0, 1)``.

    Returns:
        A ``keras.optimizers.schedules.LearningRateSchedule``, to pass as an optimizer's
        ``learning_rate``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument is out of range.

    Example:

    >>> schedule = warmup_cosine(1e-3, 100, warmup=0.1)
    >>> [round(float(schedule(step)), 6) for step in (0, 10, 55, 100)]
    [0.0, 0.001, 0.0005, 0.0]
    """
    learning_rate = check_float("learning_rate", learning_rate, minimum=0.0, min_inclusive=False)
    total_steps = check_int("total_steps", total_steps, minimum=1)
    warmup = check_rate("warmup", warmup)
    import keras

    warmup_steps = round(warmup * total_steps)
    if warmup_steps == 0:
        return keras.optimizers.schedules.CosineDecay(learning_rate, total_steps)
    return keras.optimizers.schedules.CosineDecay(
        0.0, max(total_steps - warmup_steps, 1), warmup_target=learning_rate, warmup_steps=warmup_steps
    )


def _check_arrays(x, y, argname: str):
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{argname} must hold NumPy arrays; received x of type {type(x).__name__}")
    if y is not None:
        if not isinstance(y, np.ndarray):
            raise TypeError(f"{argname} must hold NumPy arrays; received y of type {type(y).__name__}")
        if len(y) != len(x):
            raise ValueError(f"{argname}: x and y must have the same length; received {len(x)} and {len(y)}")
    if len(x) == 0:
        raise ValueError(f"{argname} must hold at least one sample; received x of shape {x.shape}")


_SMALL_BYTES = 32 * 2**20
"""Arrays up to this size are shuffled as samples by :func:`as_dataset`; larger ones by index."""


def as_dataset(x, y=None, *, batch_size: int = 32, shuffle: bool = False, seed: int = 0):
    """Turns NumPy arrays into a batched ``tf.data.Dataset``, reshuffled each epoch if asked.

    Floating-point arrays are cast to Keras's float type (``keras.config.floatx()``, float32 by
    default), as Keras does for arrays passed to ``fit``. Without ``shuffle`` the arrays are
    sliced into batches in order. With ``shuffle`` the samples are fully reshuffled at every
    epoch (from ``seed``): arrays of up to 32 MiB together are shuffled as samples, which costs
    the least per epoch; larger arrays are shuffled by *index* (a buffer of integers rather than
    of copies of the samples), each batch gathered from the arrays in one operation and
    prefetched (``tf.data.AUTOTUNE``) so that it is ready when a training step ends. The last
    batch may be smaller.

    Made for ``fit``: Keras's own handling of arrays sets up a more general pipeline at every
    epoch, which costs more per epoch for small models (``benchmarks/small_data_kfold.py``).

    Args:
        x: a NumPy array of inputs (first axis: samples).
        y: a NumPy array of targets of the same length, or ``None`` (inputs only).
        batch_size: samples per batch, >= 1.
        shuffle: reshuffle the samples at every epoch.
        seed: the shuffling seed.

    Returns:
        A ``tf.data.Dataset`` yielding ``(x_batch, y_batch)`` (or ``x_batch`` alone).

    Raises:
        TypeError: if ``x`` or ``y`` is not a NumPy array, or an option has the wrong type.
        ValueError: if ``x`` is empty, ``x`` and ``y`` differ in length, or ``batch_size`` < 1.

    Example:

    >>> ds = as_dataset(np.zeros((10, 3)), np.arange(10), batch_size=4)
    >>> [int(xb.shape[0]) for xb, yb in ds]
    [4, 4, 2]
    """
    _check_arrays(x, y, "x, y")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    check_bool("shuffle", shuffle)
    seed = check_int("seed", seed, minimum=0)
    import keras
    import tensorflow as tf

    floatx = keras.config.floatx()
    arrays = tuple(
        a.astype(floatx) if np.issubdtype(a.dtype, np.floating) and a.dtype != floatx else a
        for a in ((x,) if y is None else (x, y))
    )
    structure = arrays[0] if y is None else arrays
    if sum(a.nbytes for a in arrays) <= _SMALL_BYTES:
        ds = tf.data.Dataset.from_tensor_slices(structure)
        if shuffle:
            ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        return ds.batch(batch_size)
    if not shuffle:
        return tf.data.Dataset.from_tensor_slices(structure).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    # Shuffle the indices, not the samples: the shuffle buffer then holds integers instead of
    # copies of the images, and each batch is gathered from the arrays in one operation.
    tensors = tuple(tf.convert_to_tensor(a) for a in arrays)

    def gather(indices):
        batch = tuple(tf.gather(t, indices) for t in tensors)
        return batch[0] if y is None else batch

    ds = tf.data.Dataset.range(len(x)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).map(gather, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def train(
    model,
    task: str,
    x,
    y,
    *,
    epochs: int,
    batch_size: int = 128,
    validation_data=None,
    optimizer: str = "adam",
    learning_rate: float = 3e-3,
    schedule: str = "warmup_cosine",
    warmup: float = 0.1,
    label_smoothing: float = 0.0,
    metrics=None,
    steps_per_execution: int = 16,
    callbacks=None,
    seed: int = 0,
    verbose="auto",
):
    """Compiles ``model`` for ``task`` and trains it with the package's recipe; returns the History.

    The recipe: ``optimizer`` (Adam by default) whose rate follows :func:`warmup_cosine` over
    the ``epochs`` planned (peak ``learning_rate``; ``schedule="constant"`` keeps it fixed),
    batches of ``batch_size`` from an :func:`as_dataset` pipeline reshuffled every epoch, and the
    task's loss and metrics from :func:`~dlcourse.tasks.compile_model`. Plan the number of
    epochs before the run: the schedule reaches zero at the last one.

    Args:
        model: a ``keras.Model`` whose output suits ``task`` (it is compiled here).
        task: one of the keys of :data:`dlcourse.tasks.TASKS`, e.g. ``"multiclass"``.
        x: the training inputs, a NumPy array.
        y: the training targets, a NumPy array of the same length: for ``"multiclass"`` class
            indices or one-hot rows (then compiled with ``categorical_crossentropy``).
        epochs: the number of epochs, >= 1 (the schedule spans all of them).
        batch_size: samples per step, >= 1.
        validation_data: ``None`` or a tuple ``(x_val, y_val)`` of NumPy arrays, evaluated
            after each epoch.
        optimizer: an optimizer name accepted by ``compile_model`` (default ``"adam"``).
        learning_rate: the peak (or, with ``schedule="constant"``, the fixed) learning rate.
        schedule: ``"warmup_cosine"`` or ``"constant"``.
        warmup: the share of all steps spent warming up, in ``[0, 1)``.
        label_smoothing: for ``"binary"`` and ``"multiclass"``, in ``[0, 1)``: the targets move
            this share of the way towards uniform (Keras's ``label_smoothing``), which keeps the
            model from growing over-confident; ``0`` trains on the labels as they are. The
            model is left compiled with the task's own loss, so ``evaluate`` takes the same labels.
        metrics: metrics replacing the task's defaults (``None``: the defaults).
        steps_per_execution: training steps per call into the compiled TensorFlow function
            (see ``compile_model``); batch-level callbacks see the steps in groups of this size.
        callbacks: a list of Keras callbacks, or ``None``.
        seed: the shuffling seed.
        verbose: passed to ``model.fit``.

    Returns:
        The ``keras.callbacks.History`` of the run.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument is out of range (``label_smoothing`` is also refused for tasks
            other than ``"binary"`` and ``"multiclass"``), the model does not suit ``task``, ``x`` holds
            NaN/inf or samples of another shape than the model's input, or ``y`` holds targets the
            task and the model cannot take (e.g. labels outside 0..num_classes-1, binary labels
            other than 0 and 1); all checked before any training.

    Example:

    >>> import numpy as np, dlcourse
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.random((64, 28, 28, 1), dtype="float32"), rng.integers(0, 10, 64)
    >>> model = dlcourse.build_convnet((28, 28, 1), "multiclass", num_classes=10)
    >>> history = train(model, "multiclass", x[:48], y[:48], epochs=2,
    ...                 validation_data=(x[48:], y[48:]), verbose=0)
    >>> sorted(history.history)
    ['accuracy', 'loss', 'val_accuracy', 'val_loss']

    One-hot labels work as well (the loss becomes ``categorical_crossentropy``):

    >>> import keras
    >>> history = train(model, "multiclass", x, keras.utils.to_categorical(y, 10), epochs=1, verbose=0)
    >>> model.loss
    'categorical_crossentropy'
    """
    import keras

    from dlcourse.tasks import check_head, compile_model

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; received model of type {type(model).__name__}")
    check_head(model, task)
    _check_arrays(x, y, "x, y")
    if y is None:
        raise TypeError("y must be a NumPy array of targets; received y=None")
    check_finite("x", x)
    check_input_fits(model, x, "x")
    one_hot = check_targets(y, task, model.outputs[0].shape[-1], "y")
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if not isinstance(optimizer, str):  # an instance would have its own rate, which the schedule replaces
        raise TypeError(
            f"optimizer must be a name such as 'adam'; received optimizer={optimizer!r} of type "
            f"{type(optimizer).__name__}"
        )
    learning_rate = check_float("learning_rate", learning_rate, minimum=0.0, min_inclusive=False)
    check_choice("schedule", schedule, _SCHEDULES)
    warmup = check_rate("warmup", warmup)
    label_smoothing = check_rate("label_smoothing", label_smoothing)
    if label_smoothing and task not in ("binary", "multiclass"):
        raise ValueError(
            "label_smoothing applies to task='binary' or 'multiclass'; received "
            f"label_smoothing={label_smoothing} with task={task!r}"
        )
    seed = check_int("seed", seed, minimum=0)
    if validation_data is not None:
        if not (isinstance(validation_data, tuple) and len(validation_data) == 2):
            raise TypeError(
                "validation_data must be None or a tuple (x_val, y_val) of NumPy arrays; received "
                f"validation_data of type {type(validation_data).__name__}"
            )
        _check_arrays(*validation_data, "validation_data")
        check_finite("validation_data[0]", validation_data[0])
        check_input_fits(model, validation_data[0], "validation_data[0]")
        if check_targets(validation_data[1], task, model.outputs[0].shape[-1], "validation_data[1]") != one_hot:
            raise ValueError(
                "validation_data[1] must hold labels in the same form as y (class indices or one-hot rows); "
                f"received y of shape {y.shape} and validation_data[1] of shape {validation_data[1].shape}"
            )
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"callbacks must be a list of keras.callbacks.Callback or None; received {callbacks!r}")

    steps = epochs * math.ceil(len(x) / batch_size)
    rate = warmup_cosine(learning_rate, steps, warmup=warmup) if schedule == "warmup_cosine" else learning_rate
    loss = None
    if label_smoothing and task == "binary":
        loss = keras.losses.BinaryCrossentropy(label_smoothing=label_smoothing)
    elif label_smoothing:  # Keras smooths one-hot targets only
        num_classes = model.outputs[0].shape[-1]
        if not one_hot:
            y = keras.utils.to_categorical(y, num_classes)
            if validation_data is not None:
                validation_data = (validation_data[0], keras.utils.to_categorical(validation_data[1], num_classes))
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing)
    compile_model(model, task, optimizer=optimizer, metrics=metrics, one_hot_labels=one_hot, loss=loss,
                  steps_per_execution=steps_per_execution)
    model.optimizer.learning_rate = rate
    train_ds = as_dataset(x, y, batch_size=batch_size, shuffle=True, seed=seed)
    val_ds = None if validation_data is None else as_dataset(*validation_data, batch_size=batch_size)
    history = model.fit(train_ds, epochs=epochs, validation_data=val_ds, callbacks=list(callbacks or []),
                        shuffle=False, verbose=verbose)  # the dataset shuffles itself
    if loss is not None:  # back to the task's own loss, so that evaluate() takes the labels train() took
        compile_model(model, task, optimizer=model.optimizer, metrics=metrics, one_hot_labels=one_hot,
                      steps_per_execution=steps_per_execution)
    return history
