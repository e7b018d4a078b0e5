"""The notebook setup cell and the facts ``python -m dlcourse doctor`` reports.

Every notebook starts with::

    import dlcourse
    dlcourse.setup(seed=42)

which seeds everything, prints the versions, the devices and the mode, and returns the same
facts as a dict (for a results table).
"""

from __future__ import annotations

import importlib
import platform

from dlcourse import config
from dlcourse._validation import check_bool

_PACKAGES = (
    ("tensorflow", "tensorflow", "TensorFlow"),
    ("keras", "keras", "Keras"),
    ("keras_tuner", "keras_tuner", "keras-tuner"),
    ("scikit-learn", "sklearn", "scikit-learn"),
    ("numpy", "numpy", "NumPy"),
)


def versions() -> dict[str, str | None]:
    """Returns the versions of Python, the course's libraries and dlcourse.

    Returns:
        A dict with keys ``python``, ``tensorflow``, ``keras``, ``keras_tuner``,
        ``scikit-learn``, ``numpy`` and ``dlcourse``; a library that is not installed maps to
        ``None``.

    Example:

    >>> versions()["python"].count(".")
    2
    """
    found: dict[str, str | None] = {"python": platform.python_version()}
    for key, module, _ in _PACKAGES:
        try:
            found[key] = str(importlib.import_module(module).__version__)
        except ImportError:
            found[key] = None
    import dlcourse

    found["dlcourse"] = dlcourse.__version__
    return found


def devices() -> list[dict[str, str]]:
    """Returns TensorFlow's physical devices.

    Returns:
        One dict per device with ``name`` (such as ``"/physical_device:GPU:0"``), ``type``
        (``"CPU"``, ``"GPU"``, ...) and ``description`` (the GPU model where TensorFlow knows it).

    Example:

    >>> devices()[0]["type"]  # doctest: +SKIP
    'CPU'
    """
    import tensorflow as tf

    found = []
    for device in tf.config.list_physical_devices():
        description = ""
        if device.device_type == "GPU":
            try:
                description = tf.config.experimental.get_device_details(device).get("device_name", "")
            except (RuntimeError, ValueError):
                description = ""
        found.append({"name": device.name, "type": device.device_type, "description": description})
    return found


def format_versions(found: dict[str, str | None]) -> str:
    """Returns ``versions()`` as one line: ``Python 3.11.7 | TensorFlow 2.21.0 | ...``."""
    parts = [f"dlcourse {found.get('dlcourse')}", f"Python {found.get('python')}"]
    for key, _, label in _PACKAGES:
        parts.append(f"{label} {found.get(key) or 'not installed'}")
    return " | ".join(parts)


def format_devices(found: list[dict[str, str]]) -> str:
    """Returns ``devices()`` as one line, saying so when there is no GPU."""
    names = []
    for device in found:
        detail = f" ({device['description']})" if device["description"] else ""
        names.append(device["name"].replace("/physical_device:", "") + detail)
    line = ", ".join(names) or "none found"
    if not any(d["type"] == "GPU" for d in found):
        line += " - no GPU: training runs on the CPU"
    return line


def mode_notice() -> str:
    """Returns the line that says which mode is on and what it means."""
    if config.quick_mode():
        return (
            f"QUICK MODE is on ({config.QUICK_MODE_ENV}=1): smaller data and fewer epochs so that the notebook runs "
            "in about a minute. The numbers are NOT the course's results; unset it for the real run."
        )
    return f"Full mode: the real data and the real number of epochs (set {config.QUICK_MODE_ENV}=1 for a quick run)."


def setup(seed=42, *, deterministic=False) -> dict:
    """Prepares a notebook: seeds everything and prints versions, devices, seed and mode.

    Args:
        seed: the seed for Python, NumPy and TensorFlow (:func:`dlcourse.config.set_seed`).
        deterministic: also turn on TensorFlow's op determinism (slower on a GPU).

    Returns:
        A dict with ``seed``, ``deterministic``, ``mode`` (``"quick"``/``"full"``), ``quick``,
        ``versions``, ``devices`` and ``keras_home``.

    Raises:
        TypeError: if ``seed`` is not an int or ``deterministic`` not a bool.
        ValueError: if ``seed`` is negative or ``DLCOURSE_QUICK`` holds an unknown value.

    Example:

    >>> info = setup(42)  # doctest: +SKIP
    dlcourse 0.1.0 | Python 3.11.7 | TensorFlow 2.21.0 | Keras 3.15.1 | ...
    """
    check_bool("deterministic", deterministic)
    quick = config.quick_mode()
    seed = config.set_seed(seed, deterministic=deterministic)
    found_versions, found_devices = versions(), devices()
    print(format_versions(found_versions))
    print("Devices:", format_devices(found_devices))
    print(f"Seed: {seed} (deterministic ops {'on' if deterministic else 'off'})")
    print(mode_notice())
    return {
        "seed": seed,
        "deterministic": deterministic,
        "mode": "quick" if quick else "full",
        "quick": quick,
        "versions": found_versions,
        "devices": found_devices,
        "keras_home": str(config.keras_home()),
    }
