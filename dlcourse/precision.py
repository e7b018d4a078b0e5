"""The mixed-precision policy that suits this machine: bfloat16 or float16 where the hardware has it.

Keras computes in 16-bit floats and keeps the weights in float32 under its ``mixed_bfloat16`` and
``mixed_float16`` policies. That pays only where the hardware multiplies 16-bit numbers natively:
on a CPU without bfloat16 instructions it is slower than float32, so the choice depends on the
hardware (``BENCHMARKS.md``, section 2, has the measured figures).
For GPUs the choice follows Keras's mixed-precision guide (not measured here: no GPU was
available). :func:`recommended_policy` reads what the machine has and names the policy to use;
set it before building the model:

    keras.mixed_precision.set_global_policy(dlcourse.recommended_policy())

``benchmarks/epoch_cost.py`` measures ``mixed_bfloat16`` against float32 per epoch, and
``benchmarks/time_to_accuracy.py --policy`` the time to accuracy under this function's choice; the
figures are in ``BENCHMARKS.md``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["POLICIES", "clear_session", "recommended_policy"]

POLICIES = ("float32", "mixed_bfloat16", "mixed_float16")
"""The policies :func:`recommended_policy` can return."""

_CPU_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def _cpu_flags() -> frozenset:
    """The CPU feature flags listed in ``/proc/cpuinfo`` (empty where there is no such file)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def _gpu_compute_capabilities() -> list:
    """The CUDA compute capability ``(major, minor)`` of every GPU TensorFlow sees."""
    import tensorflow as tf

    capabilities = []
    for gpu in tf.config.list_physical_devices("GPU"):
        capability = tf.config.experimental.get_device_details(gpu).get("compute_capability")
        if capability:
            capabilities.append(tuple(capability))
    return capabilities


def recommended_policy() -> str:
    """Returns the Keras dtype policy that trains fastest on this machine, by its hardware.

    * With GPUs, the oldest one decides: compute capability 8.0 or newer (Ampere, Hopper and
      later have bfloat16 tensor cores): ``"mixed_bfloat16"``; 7.x (Volta, Turing: float16
      tensor cores): ``"mixed_float16"`` (Keras then scales the loss itself); older:
      ``"float32"``.
    * Without a GPU, a CPU with bfloat16 instructions (the ``avx512_bf16`` or ``amx_bf16``
      flags in Linux's ``/proc/cpuinfo``): ``"mixed_bfloat16"``; any other CPU, or a system
      without ``/proc/cpuinfo``: ``"float32"``.

    The model must be built after the policy is set: ``keras.mixed_precision.set_global_policy(
    recommended_policy())``, then build. ``keras.backend.clear_session()`` resets the policy to
    float32, so set it after clearing the session (the package's K-fold and tuning loops keep
    it). Results differ slightly from float32 (16-bit activations); set the policy back to
    ``"float32"`` for the notebooks' reference figures.

    Returns:
        One of :data:`POLICIES`.

    Example:

    >>> recommended_policy() in POLICIES
    True
    """
    capabilities = _gpu_compute_capabilities()
    if capabilities:
        oldest = min(capabilities)
        if oldest >= (8, 0):
            return "mixed_bfloat16"
        if oldest >= (7, 0):
            return "mixed_float16"
        return "float32"
    if _cpu_flags() & _CPU_BF16_FLAGS:
        return "mixed_bfloat16"
    return "float32"


# Clearing the session (used by the K-fold and tuning loops before every model).
# ``keras.backend.clear_session()`` resets TensorFlow's default graph, and with it the stack of
# distribution strategies that ``with strategy.scope():`` pushed on that graph. Called inside
# the scope, it silently puts the models built afterwards on the default (single-device)
# strategy, and the scope's exit then fails with ``IndexError: pop from empty list``. The
# package's training loops (K-fold, the cross-validated tuner) call :func:`clear_session`
# instead, which leaves the session alone inside a strategy scope.
#
# ``keras.backend.clear_session()`` also resets Keras's global dtype policy to float32 (Keras
# 3.15), so a loop that clears the session before each model would silently drop a
# mixed-precision policy set by the user; :func:`clear_session` sets the policy back.


def in_strategy_scope() -> bool:
    """Returns whether a (non-default) ``tf.distribute`` strategy scope is active here."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return tf.distribute.has_strategy()


def clear_session() -> bool:
    """Calls ``keras.backend.clear_session()`` unless a ``tf.distribute`` strategy scope is active.

    The global dtype policy (``keras.mixed_precision.global_policy()``) is the same afterwards.

    Returns:
        ``True`` if the session was cleared, ``False`` if it was kept because clearing it would
        drop the active strategy scope.
    """
    import keras

    if in_strategy_scope():
        return False
    policy = keras.mixed_precision.global_policy()
    keras.backend.clear_session()
    keras.mixed_precision.set_global_policy(policy)
    return True
