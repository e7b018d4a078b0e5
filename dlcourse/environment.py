"""The notebook setup cell and the facts ``python -m dlcourse doctor`` reports.

Every notebook starts with::

    import dlcourse
    dlcourse.setup(seed=42)

which seeds everything, prints the versions, the devices, the mode and the seed, and returns the
same facts as a dict (for a results table).
"""

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

# TensorFlow's start-up lines (measured with TensorFlow 2.21 on a CPU machine): ``import tensorflow``
# prints the oneDNN notice and "Could not find cuda drivers" twice, once per native library, from
# static initialisers that run before ``TF_CPP_MIN_LOG_LEVEL`` or absl can filter them, and the
# first device listing logs a cuInit error. They go to file descriptor 2, which Jupyter shows in
# the setup cell; :func:`_quiet_tensorflow_start` drops them and passes any other line on.
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
    """Returns the versions, TensorFlow's devices and the mode, as the lines :func:`setup` prints.

    Returns:
        Three lines: ``dlcourse 0.1.0 | Python 3.11.7 | TensorFlow ...`` (a library that is not
        installed reads ``not installed``), ``Devices: CPU:0 ...`` (saying so when there is no
        GPU) and ``Mode: ...`` (``Mode: PROBLEM: ...`` when ``DLCOURSE_QUICK`` holds an unknown
        value).

    Example:

    >>> from dlcourse.environment import environment_summary
    >>> environment_summary().splitlines()[1].startswith("Devices: ")
    True
    """
    return "\n".join(_summary_lines(_versions(), _devices()))


def setup(seed=42, *, deterministic=False) -> dict:
    """Prepares a notebook: seeds everything and prints versions, devices, mode and seed.

    TensorFlow's start-up log lines (the oneDNN notice, "Could not find cuda drivers", a cuInit
    error on a machine without a GPU) are kept out of the notebook; any other line goes through.

    Args:
        seed: the seed for Python, NumPy and TensorFlow (:func:`dlcourse.config.set_seed`).
        deterministic: also turn on TensorFlow's op determinism (slower on a GPU).

    Returns:
        A dict with ``seed``, ``deterministic``, ``mode`` (``"quick"``/``"full"``), ``quick``,
        ``versions`` (library name to version, ``None`` when not installed), ``devices`` (one dict
        per device with ``name``, ``type`` and ``description``) and ``keras_home``.

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
