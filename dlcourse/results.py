"""Headline metrics of the notebooks and the ``RESULTS.md`` table made from them.

Each notebook records its headline numbers with one call::

    dlcourse.record_result("01_imdb", "test accuracy", test_acc, reference="about 88%")

The call writes ``build/results/<mode>/<notebook>.json`` (mode is ``quick`` or ``full``), so a
quick run never overwrites the numbers of a full run. ``python -m dlcourse run --full`` adds each
notebook's wall time and the machine, and ``python -m dlcourse results`` turns the full-mode
records into ``RESULTS.md``.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

from dlcourse import config

_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")


def results_dir(mode: str | None = None) -> Path:
    """Returns ``build/results/<mode>`` (the current mode by default), creating it."""
    mode = mode or config.mode_name()
    if mode not in ("quick", "full"):
        raise ValueError(f"mode must be 'quick' or 'full'; received mode={mode!r}")
    return config.build_dir("results", mode)


def machine_description() -> str:
    """Returns a one-line description of this machine: CPU count, OS, and any GPU TensorFlow sees."""
    cpus = os.cpu_count() or 0
    text = f"{cpus}-core {platform.machine()} {platform.system()}"
    try:
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
    except ImportError:  # pragma: no cover - TensorFlow is a dependency
        gpus = []
    if gpus:
        names = []
        for gpu in gpus:
            details = tf.config.experimental.get_device_details(gpu)
            names.append(details.get("device_name", gpu.name))
        text += ", GPU: " + ", ".join(names)
    else:
        text += ", no GPU"
    return text


def record_result(
    notebook: str,
    metric: str,
    value,
    *,
    reference: str | None = None,
    unit: str = "",
    note: str | None = None,
) -> dict:
    """Records one headline metric of a notebook.

    Args:
        notebook: the notebook's name without extension, such as ``"01_imdb"``.
        metric: what was measured, such as ``"test accuracy"`` or ``"test MAE"``.
        value: the measured number.
        reference: the textbook reference figure from the syllabus, as text (``"about 88%"``),
            or ``None`` when there is none.
        unit: ``"%"`` to show a fraction as a percentage (``0.8812`` → ``88.1%``), ``"$"`` for
            thousands of dollars, or any unit text appended to the number.
        note: a short remark shown in the table (how the number differs from the reference).

    Returns:
        The record as written.

    Raises:
        ValueError: if ``notebook`` is not of the form ``NN_topic``, ``metric`` is empty or the
            value is not finite.
        TypeError: if ``value`` is not a real number.

    Example:

    >>> rec = record_result("00_tensors", "rank of a batch of images", 4)
    >>> rec["value"]
    4.0
    """
    if not isinstance(notebook, str) or not _NAME.match(notebook):
        raise ValueError(f"notebook must look like '01_imdb' (two digits, underscore, lowercase topic); received notebook={notebook!r}")
    if not isinstance(metric, str) or not metric.strip():
        raise ValueError(f"metric must be a non-empty string; received metric={metric!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            value = float(value)  # NumPy and TensorFlow scalars
        except (TypeError, ValueError):
            raise TypeError(f"value must be a real number; received value={value!r} of type {type(value).__name__}") from None
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value must be finite; received value={value}")
    path = results_dir() / f"{notebook}.json"
    records = json.loads(path.read_text()) if path.exists() else {"notebook": notebook, "metrics": {}}
    record = {
        "value": value,
        "reference": reference,
        "unit": unit,
        "note": note,
        "mode": config.mode_name(),
        "recorded": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    records["metrics"][metric] = record
    path.write_text(json.dumps(records, indent=2))
    return record


def _load_average() -> float | None:
    """The machine's 1-minute load average (how busy it was when the run ended), if known."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def record_timing(
    notebook: str,
    seconds: float,
    *,
    mode: str,
    ok: bool,
    peak_memory_mb: float | None = None,
    cpu_seconds: float | None = None,
) -> None:
    """Stores a notebook's wall time with its records (written by the headless runner).

    The timing goes into the notebook's own ``<notebook>.json``, so that notebooks run at the same
    time in separate processes never write the same file.
    """
    path = results_dir(mode) / f"{notebook}.json"
    records = json.loads(path.read_text()) if path.exists() else {"notebook": notebook, "metrics": {}}
    records["timing"] = {
        "seconds": round(float(seconds), 1),
        "ok": bool(ok),
        "peak_memory_mb": None if peak_memory_mb is None else round(float(peak_memory_mb)),
        "cpu_seconds": None if cpu_seconds is None else round(float(cpu_seconds), 1),
        "load_average": _load_average(),
        "machine": machine_description(),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(records, indent=2))


def format_value(value: float, unit: str) -> str:
    """Formats a recorded value for the table (``0.8812, "%"`` → ``"88.1%"``)."""
    if unit == "%":
        return f"{100 * value:.1f}%"
    if unit == "$":
        return f"${1000 * value:,.0f}"
    if abs(value) >= 1e9:
        text = f"{value:.3g}"  # a variance ratio of 1e64 is not written out digit by digit
    elif float(value).is_integer() and abs(value) >= 10:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.4g}"
    return f"{text} {unit}".strip()


def load_results(mode: str = "full") -> tuple[dict, dict]:
    """Returns ``(records, timings)`` of one mode, read from ``build/results/<mode>``."""
    folder = results_dir(mode)
    records, timings = {}, {}
    for path in sorted(folder.glob("[0-9][0-9]_*.json")):
        data = json.loads(path.read_text())
        if data.get("metrics"):
            records[data["notebook"]] = data["metrics"]
        if data.get("timing"):
            timings[data["notebook"]] = data["timing"]
    return records, timings


def results_markdown(mode: str = "full", *, notebooks=()) -> str:
    """Renders the recorded results of one mode as the ``RESULTS.md`` Markdown table.

    Args:
        mode: ``"full"`` or ``"quick"``.
        notebooks: names of every notebook of the course; those with no record are listed as
            not run in this mode, so that the table never hides a missing run.

    Returns:
        The Markdown text.
    """
    records, timings = load_results(mode)
    lines = [
        "# Results",
        "",
        f"Headline metrics of each notebook from a {mode}-mode run (`python -m dlcourse run"
        f"{' --full' if mode == 'full' else ''}` then `python -m dlcourse results`), next to the",
        "textbook reference figure of the syllabus. Generated by `dlcourse.results`; do not edit by hand.",
        "The wall time is that of the run that recorded the metrics, on a machine that may have been busy;",
        "`BENCHMARKS.md` (section 6) gives each notebook's times in both modes, with the CPU time and load where recorded.",
        "",
        "| notebook | metric | ours | reference | wall time | machine | note |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for notebook in sorted(set(records) | set(timings) | set(notebooks)):
        if notebook not in records and notebook not in timings:
            lines.append(f"| {notebook} | (not run in {mode} mode yet) | | | | | |")
            continue
        timing = timings.get(notebook, {})
        wall = f"{timing['seconds']:.0f} s" if timing else "not timed"
        machine = timing.get("machine", "")
        metrics = records.get(notebook) or {"(no metric recorded)": None}
        for metric, rec in metrics.items():
            if rec is None:
                lines.append(f"| {notebook} | {metric} | | | {wall} | {machine} | |")
                continue
            ours = format_value(rec["value"], rec.get("unit", ""))
            lines.append(
                f"| {notebook} | {metric} | {ours} | {rec.get('reference') or '-'} | {wall} | {machine} "
                f"| {rec.get('note') or ''} |"
            )
            wall, machine = "", ""  # once per notebook
    return "\n".join(lines) + "\n"


def write_results_markdown(path: str | os.PathLike, *, mode: str = "full", notebooks=()) -> Path:
    """Writes :func:`results_markdown` to ``path`` and returns the path."""
    path = Path(path)
    path.write_text(results_markdown(mode, notebooks=notebooks))
    return path
