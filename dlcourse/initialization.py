"""Weight initialization: the textbook table, its Keras initializers, and variance through a deep stack.

Notebook 11 uses these to show why the scale of the initial weights matters:

* :func:`initialization_table` gives the uniform bound ``r`` and the normal ``sigma`` of the
  table that the syllabus teaches (logistic ``r = sqrt(6 / (n_in + n_out))``,
  ``sigma = sqrt(2 / (n_in + n_out))``; tanh 4x those; ReLU sqrt(2)x those);
* :func:`table_initializer` returns the ``keras.initializers.VarianceScaling`` that draws from a
  row of that table;
* :func:`variance_through_stack` pushes random inputs through a deep stack of dense layers and
  measures, layer by layer, the variance of the activations (forward) and of the gradients
  (backward), which is where vanishing and exploding gradients show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlcourse.validation import check_choice, check_int

__all__ = ["StackVariances", "initialization_table", "table_initializer", "variance_through_stack"]

# The variance of each row of the table over the logistic row's (VarianceScaling's ``scale``); the
# factor on ``r`` and ``sigma`` is its square root (stored this way so that relu's scale is exactly 2).
_TABLE_SCALES = {"logistic": 1.0, "tanh": 16.0, "relu": 2.0}


def _check_fans(fan_in, fan_out) -> tuple[int, int]:
    return check_int("fan_in", fan_in, minimum=1), check_int("fan_out", fan_out, minimum=1)


def initialization_table(fan_in: int, fan_out: int) -> dict[str, dict[str, float]]:
    """Returns the initialization table for a layer with ``fan_in`` inputs and ``fan_out`` outputs.

    ========== ================================= =================================
    activation uniform on [-r, r]                normal with standard deviation
    ========== ================================= =================================
    logistic   r = sqrt(6 / (n_in + n_out))      sigma = sqrt(2 / (n_in + n_out))
    tanh       4 x the logistic r                4 x the logistic sigma
    ReLU       sqrt(2) x the logistic r          sqrt(2) x the logistic sigma
    ========== ================================= =================================

    Both columns of a row give the same variance, ``r**2 / 3 == sigma**2``. The logistic row is
    Glorot & Bengio's (2010) "normalized initialization" (Keras's ``GlorotUniform`` and
    ``GlorotNormal``). Note that Glorot & Bengio derived it for activations with slope 1 at 0,
    such as tanh, and that the 4x follows from the logistic's slope of 1/4 at 0; some tables,
    like this one, print the 4x on the tanh row. The ReLU row uses the average fan; Keras's
    ``HeUniform``/``HeNormal`` use ``fan_in`` (He et al., 2015), the same when
    ``fan_in == fan_out``.

    Args:
        fan_in: the number of inputs of the layer (>= 1).
        fan_out: the number of outputs (units) of the layer (>= 1).

    Returns:
        ``{"logistic": {"r": ..., "sigma": ..., "variance": ...}, "tanh": {...}, "relu": {...}}``.

    Raises:
        TypeError: if a fan is not an int.
        ValueError: if a fan is < 1.

    Example:

    >>> import dlcourse
    >>> round(dlcourse.initialization_table(100, 100)["logistic"]["r"], 4)
    0.1732
    """
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    r = math.sqrt(6.0 / (fan_in + fan_out))
    sigma = math.sqrt(2.0 / (fan_in + fan_out))
    return {
        name: {"r": math.sqrt(scale) * r, "sigma": math.sqrt(scale) * sigma, "variance": scale * sigma**2}
        for name, scale in _TABLE_SCALES.items()
    }


def table_initializer(activation: str, *, distribution: str = "uniform", seed=None):
    """Returns the Keras initializer that draws the weights of one row of the table.

    Each row is ``keras.initializers.VarianceScaling(scale=factor**2, mode="fan_avg", ...)``,
    whose variance is ``scale / ((fan_in + fan_out) / 2)``: ``scale=1`` for the logistic row
    (exactly ``GlorotUniform``/``GlorotNormal``), 16 for tanh, 2 for ReLU.

    Args:
        activation: the row, ``"logistic"``, ``"tanh"`` or ``"relu"``.
        distribution: ``"uniform"`` (on ``[-r, r]``), ``"normal"`` (a plain normal with standard
            deviation ``sigma``) or ``"truncated_normal"`` (Keras's choice for ``GlorotNormal``:
            cut at two standard deviations and rescaled so that the variance is still
            ``sigma**2``).
        seed: ``None`` or an int; a seeded initializer returns the same values at every call.

    Returns:
        A ``keras.initializers.VarianceScaling``.

    Raises:
        ValueError: if ``activation`` or ``distribution`` is not one of the choices.
        TypeError: if ``seed`` is neither ``None`` nor an int.

    Example:

    >>> import dlcourse
    >>> init = dlcourse.table_initializer("relu", distribution="uniform")
    >>> init.scale, init.mode
    (2.0, 'fan_avg')
    """
    check_choice("activation", activation, tuple(_TABLE_SCALES))
    check_choice("distribution", distribution, ("uniform", "normal", "truncated_normal"))
    if seed is not None:
        check_int("seed", seed, minimum=0)
    import keras

    keras_distribution = {"uniform": "uniform", "normal": "untruncated_normal"}.get(distribution, distribution)
    return keras.initializers.VarianceScaling(
        scale=_TABLE_SCALES[activation], mode="fan_avg", distribution=keras_distribution, seed=seed
    )


@dataclass(frozen=True)
class StackVariances:
    """Per-layer variances measured by :func:`variance_through_stack`.

    Attributes:
        activations: the variance of each layer's output (forward pass), first layer first.
        gradients: the variance of the loss's gradient with respect to each layer's output
            (backward pass), first layer first.
    """

    activations: np.ndarray
    gradients: np.ndarray

    @property
    def activation_ratio(self) -> float:
        """Last layer's activation variance over the first's: > 1 grows, < 1 shrinks going forward."""
        return float(self.activations[-1] / self.activations[0])

    @property
    def gradient_ratio(self) -> float:
        """First layer's gradient variance over the last's: > 1 explodes, < 1 vanishes going backward."""
        return float(self.gradients[0] / self.gradients[-1])


def _reseeded(initializer, seed: int):
    config = initializer.get_config()
    if "seed" not in config:
        raise ValueError(
            "kernel_initializer must take a seed (its get_config() has no 'seed'), so that each layer gets its own "
            f"weights; received {type(initializer).__name__}"
        )
    return type(initializer).from_config({**config, "seed": seed})


def _stack_kernels(initializer, seed: int, depth: int, units: int, dtype: str) -> list:
    """Draws one ``(units, units)`` kernel per layer, each with its own seed.

    A seeded Keras initializer returns the same values at every call, so it is re-created with
    ``seed + i`` for layer ``i``; otherwise every layer would get the same matrix.
    """
    return [_reseeded(initializer, seed + i)((units, units), dtype=dtype) for i in range(depth)]


def variance_through_stack(
    kernel_initializer,
    *,
    activation="relu",
    depth: int = 50,
    units: int = 256,
    batch_size: int = 1000,
    num_stacks: int = 1,
    seed: int = 0,
    dtype: str = "float64",
) -> StackVariances:
    """Measures the activation and gradient variance, layer by layer, through a deep dense stack.

    The stack is ``depth`` layers ``a_l = activation(a_{l-1} @ W_l)`` of ``units`` units each
    (biases are zero, as Keras initializes them), every ``W_l`` drawn from ``kernel_initializer``
    with its own seed. The input is ``batch_size`` samples of standard normal noise. The
    backward pass starts from the loss ``sum(a_depth * g)`` with standard normal ``g``, so the
    gradient that reaches the last layer has variance 1 and what happens to it on the way back
    is the stack's doing. Both variances are taken over the batch and the units; with
    ``num_stacks > 1`` they are averaged over that many independent stacks, which smooths the
    layer-to-layer noise of a finite width.

    The computation runs in float64 by default, so that a naive ``N(0, 1)`` initialization can
    be watched exploding to 1e100 without overflowing.

    Args:
        kernel_initializer: a Keras initializer (instance or name such as ``"he_normal"``) that
            accepts a seed; it is re-created with a different seed for every layer.
        activation: the activation of every layer (a name such as ``"relu"`` or a callable).
        depth: the number of layers (>= 2).
        units: the width of every layer, also the input's width (>= 1).
        batch_size: the number of random input samples (>= 2).
        num_stacks: the number of independent stacks to average over (>= 1).
        seed: the seed of the weights, inputs and output gradients (>= 0).
        dtype: ``"float64"`` or ``"float32"``.

    Returns:
        A :class:`StackVariances` with one activation and one gradient variance per layer.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has a wrong value, or the initializer takes no seed.

    Example:

    >>> import dlcourse
    >>> v = dlcourse.variance_through_stack("he_normal", depth=20, units=100, batch_size=256, num_stacks=4)
    >>> 0.25 < v.activation_ratio < 4
    True
    """
    depth = check_int("depth", depth, minimum=2)
    units = check_int("units", units, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=2)
    num_stacks = check_int("num_stacks", num_stacks, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    check_choice("dtype", dtype, ("float64", "float32"))
    import keras
    import tensorflow as tf

    if isinstance(kernel_initializer, str):
        try:
            kernel_initializer = keras.initializers.get(kernel_initializer)
        except ValueError:
            raise ValueError(
                "kernel_initializer must be a Keras initializer or its name such as 'he_normal'; "
                f"received kernel_initializer={kernel_initializer!r}"
            ) from None
    if not isinstance(kernel_initializer, keras.initializers.Initializer):
        raise TypeError(
            "kernel_initializer must be a keras.initializers.Initializer or a name such as 'he_normal'; "
            f"received {kernel_initializer!r} of type {type(kernel_initializer).__name__}"
        )
    if not (isinstance(activation, str) or callable(activation)):
        raise TypeError(f"activation must be a name such as 'relu' or a callable; received activation={activation!r}")
    try:
        activation_fn = keras.activations.get(activation)
    except ValueError:
        raise ValueError(f"activation must be a Keras activation name; received activation={activation!r}") from None
    _reseeded(kernel_initializer, 0)  # fails early for an initializer without a seed

    totals = np.zeros((2, depth))
    for stack in range(num_stacks):
        stack_seed = seed * 1_000_003 + stack * 10_007
        kernels = _stack_kernels(kernel_initializer, stack_seed, depth, units, dtype)
        rng = np.random.default_rng(stack_seed)
        inputs = tf.constant(rng.standard_normal((batch_size, units)), dtype=dtype)
        upstream = tf.constant(rng.standard_normal((batch_size, units)), dtype=dtype)
        outputs = []
        with tf.GradientTape() as tape:
            tape.watch(inputs)  # records the whole stack, so the gradients of its outputs exist
            h = inputs
            for kernel in kernels:
                h = activation_fn(tf.matmul(h, kernel))
                outputs.append(h)
            loss = tf.reduce_sum(h * upstream)
        grads = tape.gradient(loss, outputs)
        totals[0] += [np.var(np.asarray(o, dtype="float64")) for o in outputs]
        totals[1] += [np.var(np.asarray(g, dtype="float64")) for g in grads]
    totals /= num_stacks
    return StackVariances(activations=totals[0], gradients=totals[1])
