"""Benchmark 6: what the course itself costs: wall time, CPU time and peak memory per notebook.

Runs the notebooks with the course's own headless runner (``python -m dlcourse run``: a fresh
kernel per notebook, executed copies under ``build/run/``), then prints one table from what the
runner recorded in ``build/results/<mode>/``: wall time, the kernel's CPU time, its peak resident
memory and the machine's load average when the notebook finished (a load above the number of
cores means the wall time was inflated by other work; CPU time much less so).

    python benchmarks/course.py                  # run all notebooks in quick mode, then the table
    python benchmarks/course.py --full 03 06     # run these in full mode, then the table
    python benchmarks/course.py --table-only     # just the table from the last runs

Goals (issue 6): the whole quick-mode run under 10 minutes on 2 cores; each full-mode notebook,
except the from-scratch image training of notebook 09, under 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os

import _common
from _common import report

QUICK_GOAL_TOTAL = 600
FULL_GOAL_EACH = 600


def load_timings(mode: str) -> dict[str, dict]:
    folder = _common.ROOT / "build" / "results" / mode
    timings = {}
    for path in sorted(folder.glob("[0-9][0-9]_*.json")) if folder.is_dir() else []:
        timing = json.loads(path.read_text()).get("timing")
        if timing:
            timings[path.stem] = timing
    return timings


def cell(timing, key, fmt):
    value = (timing or {}).get(key)
    return "-" if value is None else fmt.format(value)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    p.add_argument("--full", action="store_true", help="run in full mode (default: quick mode)")
    p.add_argument("--table-only", action="store_true", help="do not run anything; print the table")
    args = p.parse_args()
    if not args.table_only:
        from dlcourse.runner import run_notebooks

        os.chdir(_common.ROOT)
        run_notebooks(args.notebooks or None, full=args.full, html=False)
    quick, full = load_timings("quick"), load_timings("full")
    names = sorted(set(quick) | set(full))
    rows = []
    for name in names:
        q, f = quick.get(name), full.get(name)
        over = f is not None and f["seconds"] > FULL_GOAL_EACH
        rows.append((
            name,
            cell(q, "seconds", "{:.0f} s"), cell(q, "cpu_seconds", "{:.0f} s"), cell(q, "peak_memory_mb", "{:,} MB"),
            cell(q, "load_average", "{:.1f}"),
            cell(f, "seconds", "{:,.0f} s") + (" (over 10 min)" if over else ""), cell(f, "cpu_seconds", "{:,.0f} s"),
            cell(f, "peak_memory_mb", "{:,} MB"), cell(f, "load_average", "{:.1f}"),
        ))
    quick_total = sum(t["seconds"] for t in quick.values())
    full_total = sum(t["seconds"] for t in full.values())
    rows.append(("**total**", f"**{quick_total:.0f} s**", "", f"max {max((t.get('peak_memory_mb') or 0) for t in quick.values()):,} MB" if quick else "", "",
                 f"**{full_total:,.0f} s**", "", "", ""))
    notes = [f"Quick mode total {quick_total / 60:.1f} min (goal: under {QUICK_GOAL_TOTAL // 60} min on 2 cores). "
             "Timings are read from build/results/<mode>/*.json, written by `python -m dlcourse run`."]
    machines = {t.get("machine") for t in list(quick.values()) + list(full.values())}
    notes.append("runner's machine description(s): " + "; ".join(sorted(m for m in machines if m)))
    report(
        "course",
        "6. The course: wall time, CPU time and peak memory per notebook",
        ("notebook", "quick: wall", "quick: CPU", "quick: peak memory", "quick: load",
         "full: wall", "full: CPU", "full: peak memory", "full: load"),
        rows, notes=notes, extra={"quick": quick, "full": full},
    )


if __name__ == "__main__":
    main()
