"""Weight initialization: the textbook table, its Keras initializers, and variance through a deep stack."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlcourse.validation import check_activation, check_choice, check_int

__all__ = ["StackVariances", "initialization_table", "table_initializer", "variance_through_stack"]

# The variance of each row of the table over the logistic row's (VarianceScaling's ``scale``); the
# factor on ``r`` and ``sigma`` is its square root (stored this way so that relu's scale is exactly 2).
_TABLE_SCALES = {"logistic": 1.0, "tanh": 16.0, "relu": 2.0}


def initialization_table(fan_in: int, fan_out: int) -> dict[str, dict[str, float]]:
    """Returns the initialization table for a layer with ``fan_in`` inputs and ``fan_out`` outputs.

    The logistic row is Glorot & Bengio's (2010) ``r = sqrt(6 / (n_in + n_out))``,
    ``sigma = sqrt(2 / (n_in + n_out))`` (Keras's ``GlorotUniform``/``GlorotNormal``); the tanh
    row is 4x those, the ReLU row sqrt(2)x. Both columns of a row give the same variance,
    ``r**2 / 3 == sigma**2``.

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
    fan_in = check_int("fan_in", fan_in, minimum=1)
    fan_out = check_int("fan_out", fan_out, minimum=1)
    r = math.sqrt(6.0 / (fan_in + fan_out))
    sigma = math.sqrt(2.0 / (fan_in + fan_out))
    return {
        name: {"r": math.sqrt(scale) * r, "sigma": math.sqrt(scale) * sigma, "variance": scale * sigma**2}
        for name, scale in _TABLE_SCALES.items()
    }


def table_initializer(activation: str, *, distribution: str = "uniform", seed=None):
    """Returns the ``keras.initializers.VarianceScaling(mode="fan_avg")`` that draws one row of the table.

    Its ``scale`` is 1 for the logistic row (exactly ``GlorotUniform``/``GlorotNormal``), 16 for
    tanh, 2 for ReLU.

    Args:
        activation: the row, ``"logistic"``, ``"tanh"`` or ``"relu"``.
        distribution: ``"uniform"``, ``"normal"`` or ``"truncated_normal"`` (Keras's choice for
            ``GlorotNormal``, rescaled to the same variance).
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
    """Per-layer variances measured by :func:`variance_through_stack`, first layer first.

    Attributes:
        activations: the variance of each layer's output (forward pass).
        gradients: the variance of the loss's gradient with respect to each layer's output.
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

    The stack is ``depth`` layers ``a_l = activation(a_{l-1} @ W_l)`` (zero biases), each ``W_l``
    drawn from ``kernel_initializer`` with its own seed, fed ``batch_size`` standard normal
    samples. The backward pass starts from ``sum(a_depth * g)`` with standard normal ``g``. Both
    variances are averaged over ``num_stacks`` independent stacks. float64 lets a naive ``N(0, 1)``
    initialization explode without overflowing.

    Args:
        kernel_initializer: a Keras initializer (or its name) that accepts a seed.
        activation: the activation of every layer (a name or a callable).
        depth: the number of layers (>= 2).
        units: the width of every layer and of the input (>= 1).
        batch_size: the number of random input samples (>= 2).
        num_stacks: the number of independent stacks to average over (>= 1).
        seed: the seed of the weights, inputs and output gradients (>= 0).
        dtype: ``"float64"`` or ``"float32"``.

    Returns:
        A :class:`StackVariances`.

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
    activation_fn = keras.activations.get(check_activation("activation", activation))
    _reseeded(kernel_initializer, 0)  # fails early for an initializer without a seed

    totals = np.zeros((2, depth))
    for stack in range(num_stacks):
        stack_seed = seed * 1_000_003 + stack * 10_007
        # A seeded initializer returns the same values at every call: re-create it for each layer.
        kernels = [_reseeded(kernel_initializer, stack_seed + i)((units, units), dtype=dtype) for i in range(depth)]
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
