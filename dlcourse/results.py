"""Headline metrics of the notebooks and the ``RESULTS.md`` table made from them.

Each notebook records its headline numbers with one call::

    dlcourse.record_result("01_imdb", "test accuracy", test_acc, reference="about 88%")

The call writes ``build/results/<mode>/<notebook>.json`` (mode is ``quick`` or ``full``), so a
quick run never overwrites the numbers of a full run. ``python -m dlcourse run --full`` adds each
notebook's wall time and the machine, and ``python -m dlcourse results`` turns the full-mode
records into ``RESULTS.md``.
"""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

from dlcourse import config
from dlcourse.validation import check_choice

__all__ = ["record_result", "record_timing", "results_dir", "load_results", "write_results_markdown"]

_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")


def _read_records(path: Path, notebook: str) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"notebook": notebook, "metrics": {}}


def results_dir(mode: str | None = None) -> Path:
    """Returns the folder ``build/results/<mode>`` that holds the records, creating it.

    Args:
        mode: ``"quick"`` or ``"full"``; the current mode (:func:`dlcourse.config.mode_name`) by
            default.

    Returns:
        The folder's path.

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.

    Example:

    >>> from dlcourse.results import results_dir
    >>> results_dir("full").name
    'full'
    """
    return config.build_dir("results", check_choice("mode", mode or config.mode_name(), ("quick", "full")))


def _machine_description() -> str:
    """A one-line description of this machine: CPU count, OS, and any GPU TensorFlow sees."""
    import tensorflow as tf

    gpus = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
            for gpu in tf.config.list_physical_devices("GPU")]
    return f"{os.cpu_count() or 0}-core {platform.machine()} {platform.system()}, " + (f"GPU: {', '.join(gpus)}" if gpus else "no GPU")


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

    >>> import dlcourse
    >>> rec = dlcourse.record_result("00_tensors", "rank of a batch of images", 4)
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
    records = _read_records(path, notebook)
    record = {
        "value": value,
        "reference": reference,
        "unit": unit,
        "note": note,
        "mode": config.mode_name(),
        "recorded": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    records["metrics"][metric] = record
    config.write_atomically(path, json.dumps(records, indent=2))
    return record


def _load_average() -> float | None:
    """The machine's 1-minute load average (how busy it was when the run ended), if known."""
    with contextlib.suppress(AttributeError, OSError):  # not on Windows
        return round(os.getloadavg()[0], 2)
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

    Args:
        notebook: the notebook's name without extension.
        seconds: the wall time of the run.
        mode: ``"quick"`` or ``"full"``.
        ok: whether every cell ran.
        peak_memory_mb: the kernel's peak resident memory, if measured.
        cpu_seconds: the kernel's CPU time, if measured.

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.
    """
    path = results_dir(mode) / f"{notebook}.json"
    records = _read_records(path, notebook)
    records["timing"] = {
        "seconds": round(float(seconds), 1),
        "ok": bool(ok),
        "peak_memory_mb": None if peak_memory_mb is None else round(float(peak_memory_mb)),
        "cpu_seconds": None if cpu_seconds is None else round(float(cpu_seconds), 1),
        "load_average": _load_average(),
        "machine": _machine_description(),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    config.write_atomically(path, json.dumps(records, indent=2))


def _format_value(value: float, unit: str) -> str:
    # 0.8812 with unit "%" -> "88.1%"; 2.61 with unit "$" (thousands of dollars) -> "$2,610".
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
    """Reads the records of one mode from ``build/results/<mode>``.

    Args:
        mode: ``"full"`` or ``"quick"``.

    Returns:
        ``(records, timings)``: notebook name to ``{metric: record}`` (as written by
        :func:`record_result`), and notebook name to its timing (as written by
        :func:`record_timing`).

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.
    """
    folder = results_dir(mode)
    records, timings = {}, {}
    for path in sorted(folder.glob("[0-9][0-9]_*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("metrics"):
            records[data["notebook"]] = data["metrics"]
        if data.get("timing"):
            timings[data["notebook"]] = data["timing"]
    return records, timings


def _results_markdown(mode: str, notebooks) -> str:
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
            ours = _format_value(rec["value"], rec.get("unit", ""))
            lines.append(
                f"| {notebook} | {metric} | {ours} | {rec.get('reference') or '-'} | {wall} | {machine} "
                f"| {rec.get('note') or ''} |"
            )
            wall, machine = "", ""  # once per notebook
    return "\n".join(lines) + "\n"


def write_results_markdown(path: str | os.PathLike, *, mode: str = "full", notebooks=()) -> Path:
    """Writes the recorded results of one mode as the ``RESULTS.md`` Markdown table.

    One row per metric with the value, the textbook reference, the notebook's wall time and
    machine and the note.

    Args:
        path: the file to write (replaced atomically).
        mode: ``"full"`` or ``"quick"``.
        notebooks: names of every notebook of the course; those with no record are listed as
            not run in this mode, so that the table never hides a missing run.

    Returns:
        The path written.

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.
    """
    path = Path(path)
    config.write_atomically(path, _results_markdown(mode, notebooks))
    return path
