"""The notebook setup cell (``dlcourse.setup(seed=42)``) and the facts ``python -m dlcourse doctor`` reports."""

from __future__ import annotations

import contextlib
import importlib
import os
import platform
import re
import sys
import tempfile

from dlcourse import config
from dlcourse.validation import check_bool

__all__ = ["setup", "environment_summary"]

_PACKAGES = (
    ("tensorflow", "tensorflow", "TensorFlow"),
    ("keras", "keras", "Keras"),
    ("keras_tuner", "keras_tuner", "keras-tuner"),
    ("scikit-learn", "sklearn", "scikit-learn"),
    ("numpy", "numpy", "NumPy"),
)

# TensorFlow 2.21's start-up lines, printed to file descriptor 2 by static initialisers before
# TF_CPP_MIN_LOG_LEVEL or absl can filter them; _quiet_tensorflow_start drops them, nothing else.
_START_UP_NOISE = re.compile(
    r"absl::InitializeLog|oneDNN custom operations|Could not find cuda drivers|failed call to cuInit"
    r"|cpu_feature_guard|rebuild TensorFlow with the appropriate compiler flags"
)


@contextlib.contextmanager
def _quiet_tensorflow_start():
    """Drops TensorFlow's start-up lines from file descriptor 2 while the block runs."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # a user's own setting wins
    sys.stderr.flush()
    with tempfile.TemporaryFile() as captured:
        try:
            saved = os.dup(2)
        except OSError:  # no file descriptor 2 (a GUI process): nothing to quiet
            yield
            return
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines()
            kept = [line for line in lines if not _START_UP_NOISE.search(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr)


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    with _quiet_tensorflow_start():  # the first import of TensorFlow may be this one
        for key, module, _ in _PACKAGES:
            try:
                found[key] = str(importlib.import_module(module).__version__)
            except ImportError:
                found[key] = None
    import dlcourse

    found["dlcourse"] = dlcourse.__version__
    return found


def _devices() -> list[dict[str, str]]:
    with _quiet_tensorflow_start():
        import tensorflow as tf

        physical = tf.config.list_physical_devices()
    found = []
    for device in physical:
        description = ""
        if device.device_type == "GPU":
            with contextlib.suppress(RuntimeError, ValueError):
                description = tf.config.experimental.get_device_details(device).get("device_name", "")
        found.append({"name": device.name, "type": device.device_type, "description": description})
    return found


def _summary_lines(found_versions: dict, found_devices: list) -> list[str]:
    parts = [f"dlcourse {found_versions['dlcourse']}", f"Python {found_versions['python']}"]
    parts += [f"{label} {found_versions[key] or 'not installed'}" for key, _, label in _PACKAGES]
    names = [d["name"].replace("/physical_device:", "") + (f" ({d['description']})" if d["description"] else "")
             for d in found_devices]
    devices = ", ".join(names) or "none found"
    if not any(d["type"] == "GPU" for d in found_devices):
        devices += " - no GPU: training runs on the CPU"
    try:
        if config.quick_mode():
            mode = ("QUICK MODE is on (DLCOURSE_QUICK=1): smaller data and fewer epochs so that the notebook runs "
                    "in about a minute. The numbers are NOT the course's results; unset it for the real run.")
        else:
            mode = "Full mode: the real data and the real number of epochs (set DLCOURSE_QUICK=1 for a quick run)."
    except ValueError as exc:
        mode = f"PROBLEM: {exc}"
    return [" | ".join(parts), f"Devices: {devices}", f"Mode: {mode}"]


def environment_summary() -> str:
    """Returns the versions, TensorFlow's devices and the mode: the three lines :func:`setup` prints.

    Returns:
        Three lines of text: versions, devices, mode.

    Example:
    >>> from dlcourse.environment import environment_summary
    >>> environment_summary().splitlines()[1].startswith("Devices: ")
    True
    """
    return "\n".join(_summary_lines(_versions(), _devices()))


def setup(seed=42, *, deterministic=False) -> dict:
    """Prepares a notebook: seeds everything and prints versions, devices, mode and seed.

    TensorFlow's start-up log lines are kept out of the notebook; any other line goes through.

    Args:
        seed: the seed for Python, NumPy and TensorFlow (:func:`dlcourse.config.set_seed`).
        deterministic: also turn on TensorFlow's op determinism (slower on a GPU).

    Returns:
        A dict with ``seed``, ``deterministic``, ``mode``, ``quick``, ``versions`` (``None`` when
        not installed), ``devices`` (``name``, ``type``, ``description``) and ``keras_home``.

    Raises:
        TypeError: if ``seed`` is not an int or ``deterministic`` not a bool.
        ValueError: if ``seed`` is negative or ``DLCOURSE_QUICK`` holds an unknown value.

    Example:

    >>> import dlcourse
    >>> info = dlcourse.setup(42)  # doctest: +ELLIPSIS
    dlcourse ... | Python ... | TensorFlow ... | Keras ...
    Devices: ...
    Mode: ...
    Seed: 42 (deterministic ops off)
    >>> info["seed"]
    42
    """
    check_bool("deterministic", deterministic)
    quick = config.quick_mode()
    with _quiet_tensorflow_start():
        seed = config.set_seed(seed, deterministic=deterministic)  # checks the seed, then imports TensorFlow
    found_versions, found_devices = _versions(), _devices()
    print("\n".join(_summary_lines(found_versions, found_devices)))
    print(f"Seed: {seed} (deterministic ops {'on' if deterministic else 'off'})")
    return {
        "seed": seed,
        "deterministic": deterministic,
        "mode": "quick" if quick else "full",
        "quick": quick,
        "versions": found_versions,
        "devices": found_devices,
        "keras_home": str(config.keras_home()),
    }
