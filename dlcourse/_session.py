"""Clearing the Keras session without leaving a ``tf.distribute`` strategy scope (private).

``keras.backend.clear_session()`` resets TensorFlow's default graph, and with it the stack of
distribution strategies that ``with strategy.scope():`` pushed on that graph. Called inside
the scope, it silently puts the models built afterwards on the default (single-device)
strategy, and the scope's exit then fails with ``IndexError: pop from empty list``. The
package's training loops (K-fold, the cross-validated tuner) call :func:`clear_session`
instead, which leaves the session alone inside a strategy scope.

``keras.backend.clear_session()`` also resets Keras's global dtype policy to float32 (Keras
3.15), so a loop that clears the session before each model would silently drop a
mixed-precision policy set by the user; :func:`clear_session` sets the policy back.
"""

from __future__ import annotations


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
