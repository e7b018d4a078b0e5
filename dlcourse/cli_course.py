"""The course-running subcommands of the command line: ``run`` and ``results``.

``python -m dlcourse run [NN ...] [--full]`` executes notebooks headless (see
:mod:`dlcourse.runner`); ``python -m dlcourse results`` writes ``RESULTS.md`` from the recorded
full-mode metrics (see :mod:`dlcourse.results`). Exit codes as for every subcommand: 0 all ran /
written, 1 a notebook failed or nothing was recorded, 2 usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dlcourse.cli import _EPILOG, EXIT_FAILED, EXIT_OK, EXIT_USAGE


def add_run_parser(subparsers) -> argparse.ArgumentParser:
    """Registers ``run``: execute notebooks headless."""
    parser = subparsers.add_parser(
        "run",
        help="execute notebooks headless (executed copies and HTML in build/run/<mode>/)",
        description=(
            "Executes notebooks top to bottom, each in a fresh kernel, in quick mode (default) or full "
            "mode. Writes the executed copy and an HTML page of each to build/run/<mode>/ and records "
            "wall time, peak memory and machine next to the notebook's headline metrics. The notebooks "
            "in the repository are not modified."
        ),
        epilog=_EPILOG,
    )
    parser.add_argument("notebooks", nargs="*", metavar="NN", help="notebooks to run, e.g. 01 or 01_imdb (default: all)")
    parser.add_argument("--full", action="store_true", help="full mode: the real data and epochs (default: quick mode)")
    parser.add_argument("--timeout", type=int, default=3600, metavar="S", help="seconds allowed per cell (default 3600)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    parser.set_defaults(func=cmd_run)
    return parser


def cmd_run(args) -> int:
    """Runs ``python -m dlcourse run``."""
    from dlcourse import runner

    if args.timeout < 1:
        print(f"run: --timeout must be >= 1; received {args.timeout}")
        return EXIT_USAGE
    try:
        paths = runner.find_notebooks(args.notebooks or None)
    except (ValueError, FileNotFoundError) as exc:
        print(f"run: {exc}")
        return EXIT_USAGE
    if not paths:
        print("run: no notebooks found")
        return EXIT_FAILED
    reports = runner.run_notebooks([p.stem for p in paths], full=args.full, timeout=args.timeout, html=not args.no_html)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED


def add_results_parser(subparsers) -> argparse.ArgumentParser:
    """Registers ``results``: write RESULTS.md from the recorded metrics."""
    parser = subparsers.add_parser(
        "results",
        help="write RESULTS.md from the metrics recorded by full-mode runs",
        description=(
            "Collects the headline metrics that the notebooks recorded (build/results/<mode>/) with the "
            "wall times of `python -m dlcourse run`, and writes them as a Markdown table next to the "
            "textbook references."
        ),
        epilog=_EPILOG,
    )
    parser.add_argument("--mode", choices=("full", "quick"), default="full", help="which run's records (default: full)")
    parser.add_argument("--output", default=None, metavar="PATH", help="file to write (default: RESULTS.md at the checkout's root)")
    parser.set_defaults(func=cmd_results)
    return parser


def cmd_results(args) -> int:
    """Runs ``python -m dlcourse results``."""
    from dlcourse import config, results

    records, timings = results.load_results(args.mode)
    if not records and not timings:
        print(f"results: nothing recorded in {results.results_dir(args.mode)}; run `python -m dlcourse run"
              f"{' --full' if args.mode == 'full' else ''}` first")
        return EXIT_FAILED
    from dlcourse import runner

    root = config.project_root() or Path.cwd()
    try:
        notebooks = [p.stem for p in runner.find_notebooks()]
    except FileNotFoundError:
        notebooks = []
    path = results.write_results_markdown(args.output or root / "RESULTS.md", mode=args.mode, notebooks=notebooks)
    print(f"results: {len(records)} notebook(s) with metrics, {len(timings)} timed; written to {path}")
    return EXIT_OK
