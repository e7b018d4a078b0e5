"""The mixed-precision policy that suits this machine, and clearing the Keras session without losing it.

Set the policy before building the model:
``keras.mixed_precision.set_global_policy(dlcourse.recommended_policy())``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["clear_session", "in_strategy_scope", "recommended_policy"]

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

    With GPUs the oldest decides: compute capability >= 8.0 (bfloat16 tensor cores):
    ``"mixed_bfloat16"``; 7.x: ``"mixed_float16"``; older: ``"float32"``. Without a GPU, a CPU
    with the ``avx512_bf16`` or ``amx_bf16`` flags: ``"mixed_bfloat16"``; else ``"float32"``.

    Returns:
        ``"float32"``, ``"mixed_bfloat16"`` or ``"mixed_float16"``.

    Example:
    >>> recommended_policy() in ("float32", "mixed_bfloat16", "mixed_float16")
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


def in_strategy_scope() -> bool:
    """Returns whether a (non-default) ``tf.distribute`` strategy scope is active here.

    Returns:
        ``True`` inside ``with strategy.scope():``, else ``False``.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return tf.distribute.has_strategy()


def clear_session() -> bool:
    """Calls ``keras.backend.clear_session()`` unless a ``tf.distribute`` strategy scope is active.

    Inside a strategy scope, clearing the session would drop the scope (its exit then fails with
    ``IndexError: pop from empty list``); and ``clear_session`` resets the global dtype policy to
    float32 (Keras 3.15), which this function sets back. The K-fold and tuning loops call it.

    Returns:
        ``True`` if the session was cleared, ``False`` if it was kept.
    """
    import keras

    if in_strategy_scope():
        return False
    policy = keras.mixed_precision.global_policy()
    keras.backend.clear_session()
    keras.mixed_precision.set_global_policy(policy)
    return True
