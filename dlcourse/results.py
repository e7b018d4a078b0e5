"""Headline metrics of the notebooks and the ``RESULTS.md`` table made from them.

A notebook records a number with ``dlcourse.record_result("01_imdb", "test accuracy", acc,
reference="about 88%")``, which writes ``build/results/<mode>/<notebook>.json`` (``quick`` or
``full``, so a quick run never overwrites a full run's numbers). ``python -m dlcourse run`` adds
each notebook's wall time and machine; ``python -m dlcourse results`` writes ``RESULTS.md``.
"""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import os
import platform
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from dlcourse import config
from dlcourse.validation import check_choice

__all__ = ["record_result", "record_timing", "results_dir", "load_results", "write_results_markdown", "gpu_names"]

_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")


def _read_records(path: Path, notebook: str) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"notebook": notebook, "metrics": {}}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def results_dir(mode: str | None = None) -> Path:
    """Returns the folder ``build/results/<mode>`` that holds the records, creating it.

    Args:
        mode: ``"quick"`` or ``"full"``; the current mode (:func:`dlcourse.config.mode_name`) by default.

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.

    Example:

    >>> from dlcourse.results import results_dir
    >>> results_dir("full").name
    'full'
    """
    return config.build_dir("results", check_choice("mode", mode or config.mode_name(), ("quick", "full")))


def gpu_names() -> list[str]:
    """Returns the names of this machine's NVIDIA GPUs, as ``nvidia-smi`` lists them.

    ``nvidia-smi`` rather than TensorFlow: the runner's process would otherwise import TensorFlow
    (and print its start-up lines) only to name them.

    Returns:
        A list of names, empty where there is no GPU or no ``nvidia-smi``.
    """
    if not shutil.which("nvidia-smi"):
        return []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        listing = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=30, check=True).stdout
        return [line.strip() for line in listing.splitlines() if line.strip()]
    return []


def _machine_description() -> str:
    """This machine in one line: CPU count, OS, and the GPUs."""
    gpus = gpu_names()
    machine = f"{os.cpu_count() or 0}-core {platform.machine()} {platform.system()}, "
    return machine + (f"GPU: {', '.join(gpus)}" if gpus else "no GPU")


def record_result(notebook: str, metric: str, value, *, reference: str | None = None, unit: str = "",
                  note: str | None = None) -> dict:
    """Records one headline metric of a notebook.

    Args:
        notebook: the notebook's name without extension, such as ``"01_imdb"``.
        metric: what was measured, such as ``"test accuracy"``.
        value: the measured number.
        reference: the textbook's figure as text (``"about 88%"``), or ``None``.
        unit: ``"%"`` shows a fraction as a percentage, ``"$"`` thousands of dollars as dollars;
            any other text is appended to the number.
        note: a short remark shown in the table.

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
        raise ValueError(f"notebook must look like '01_imdb' (two digits, underscore, lowercase topic); "
                         f"received notebook={notebook!r}")
    if not isinstance(metric, str) or not metric.strip():
        raise ValueError(f"metric must be a non-empty string; received metric={metric!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            value = float(value)  # NumPy and TensorFlow scalars
        except (TypeError, ValueError):
            raise TypeError(f"value must be a real number; received value={value!r} of type "
                            f"{type(value).__name__}") from None
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value must be finite; received value={value}")
    path = results_dir() / f"{notebook}.json"
    records = _read_records(path, notebook)
    record = {"value": value, "reference": reference, "unit": unit, "note": note, "mode": config.mode_name(),
              "recorded": _now()}
    records["metrics"][metric] = record
    config.write_atomically(path, json.dumps(records, indent=2))
    return record


def record_timing(notebook: str, seconds: float, *, mode: str, ok: bool, peak_memory_mb: float | None = None,
                  cpu_seconds: float | None = None) -> None:
    """Stores a notebook's wall time, CPU time, peak memory and machine with its records.

    The timing goes into the notebook's own ``<notebook>.json``, so notebooks run in parallel
    processes never write the same file.

    Args:
        notebook: the notebook's name, e.g. ``"01_imdb"``.
        seconds: the wall time of its run.
        mode: ``"quick"`` or ``"full"``.
        ok: whether the run succeeded.
        peak_memory_mb: the peak resident memory of the run, if measured.
        cpu_seconds: the CPU time of the run, if measured.

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.
    """
    path = results_dir(mode) / f"{notebook}.json"
    records = _read_records(path, notebook)
    load = None
    with contextlib.suppress(AttributeError, OSError):  # no load average on Windows
        load = round(os.getloadavg()[0], 2)
    records["timing"] = {
        "seconds": round(float(seconds), 1),
        "ok": bool(ok),
        "peak_memory_mb": None if peak_memory_mb is None else round(float(peak_memory_mb)),
        "cpu_seconds": None if cpu_seconds is None else round(float(cpu_seconds), 1),
        "load_average": load,
        "machine": _machine_description(),
        "finished": _now(),
    }
    config.write_atomically(path, json.dumps(records, indent=2))


def _format_value(value: float, unit: str) -> str:
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

    Returns:
        ``(records, timings)``: notebook name to ``{metric: record}``, and notebook name to its
        timing, as :func:`record_result` and :func:`record_timing` wrote them.

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.
    """
    records, timings = {}, {}
    for path in sorted(results_dir(mode).glob("[0-9][0-9]_*.json")):
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
            lines.append(f"| {notebook} | {metric} | {ours} | {rec.get('reference') or '-'} | {wall} | {machine} "
                         f"| {rec.get('note') or ''} |")
            wall, machine = "", ""  # once per notebook
    return "\n".join(lines) + "\n"


def write_results_markdown(path: str | os.PathLike, *, mode: str = "full", notebooks=()) -> Path:
    """Writes the records of one mode as the ``RESULTS.md`` table (atomically); returns the path.

    Args:
        path: the file to write.
        mode: ``"full"`` or ``"quick"``.
        notebooks: every notebook of the course; those with no record are listed as not run.

    Raises:
        ValueError: if ``mode`` is neither ``"quick"`` nor ``"full"``.
    """
    path = Path(path)
    config.write_atomically(path, _results_markdown(mode, notebooks))
    return path
