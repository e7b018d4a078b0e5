"""What every benchmark script shares: the machine, interleaved timing, tables, saved figures.

The machines the course runs on are shared and noisy, so a comparison is never "A for a while,
then B for a while": the candidates are measured in turns (A B B A A B ...), each several times,
and compared by their medians. Each script prints a Markdown table (pasted into BENCHMARKS.md)
and saves its raw figures as JSON under ``build/benchmarks/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--repeats", type=int, default=7, help="interleaved repetitions per candidate (default 5)")
    p.add_argument("--smoke", action="store_true", help="tiny sizes: check that the script runs, not a measurement")
    p.add_argument("--threads", type=int, default=0,
                   help="TensorFlow threads per op pool (default 0: TensorFlow's choice, one per core); 1 takes the "
                        "scheduling between threads out of a comparison, at the cost of speed")
    return p


def configure_threads(threads: int) -> None:
    """Sets TensorFlow's intra- and inter-op thread pools to ``threads`` (0: leave TensorFlow's default).

    Must run before TensorFlow executes any operation."""
    if threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def machine() -> str:
    """One line naming the machine: CPU model and count, GPUs, memory, TensorFlow and Keras versions."""
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    parts = [f"{os.cpu_count()} x {cpu}", f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM"]
    try:
        import keras
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        parts.append(f"{len(gpus)} GPU(s)" if gpus else "no GPU")
        parts.append(f"TensorFlow {tf.__version__}, Keras {keras.__version__}")
    except ImportError:
        pass
    parts.append(f"Python {platform.python_version()}")
    return ", ".join(parts)


def load_average() -> str:
    """The 1-minute load average, to show how busy the machine was during a run."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def rss_mb() -> float:
    """Resident memory of this process, in MiB."""
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def interleaved(candidates: dict, repeats: int) -> dict[str, list]:
    """Calls each candidate ``repeats`` times, in turns, and collects what each call returns.

    The order alternates between rounds (A B C, then C B A, ...) so that a slow drift of the
    machine's speed affects every candidate alike.

    Args:
        candidates: name -> function of no arguments returning a number (e.g. seconds).
        repeats: how many calls per candidate.

    Returns:
        name -> list of the returned numbers, in call order.
    """
    names = list(candidates)
    values: dict[str, list] = {name: [] for name in names}
    for round_ in range(repeats):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            values[name].append(candidates[name]())
    return values


def median(values) -> float:
    return float(statistics.median(values))


def spread(values) -> str:
    """``min-max`` of the values, to show the noise next to a median."""
    return f"{min(values):.3g}-{max(values):.3g}"


def timed(function) -> float:
    """Seconds that ``function()`` takes (wall clock)."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def table(headers, rows) -> str:
    """A Markdown table; numbers are written as given (format them before)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(name: str, title: str, headers, rows, *, notes=(), extra=None) -> None:
    """Prints the machine, the table and notes, and saves everything to build/benchmarks/<name>.json."""
    text = table(headers, rows)
    print(f"\n## {title}\n")
    print(f"machine: {machine()}; load average at the end: {load_average()}\n")
    print(text)
    for note in notes:
        print(f"\n{note}")
    folder = ROOT / "build" / "benchmarks"
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "title": title,
        "machine": machine(),
        "recorded": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "headers": list(headers),
        "rows": [[str(c) for c in row] for row in rows],
        "load_average_at_end": load_average(),
        "notes": list(notes),
        "extra": extra,
    }
    (folder / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str))
    print(f"\n(saved to {folder / (name + '.json')})")
