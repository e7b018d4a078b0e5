"""``python -m dlcourse results``: write ``RESULTS.md`` from the recorded metrics (see :mod:`dlcourse.results`)."""

from __future__ import annotations

from pathlib import Path

from dlcourse import config
from dlcourse.cli.exit_codes import EPILOG, EXIT_FAILED, EXIT_OK
from dlcourse.results import load_results, results_dir, write_results_markdown
from dlcourse.runner import find_notebooks

__all__ = ["add_results_parser"]


def add_results_parser(subparsers) -> None:
    """Registers ``results`` with the ``dlcourse`` parser's subparsers."""
    parser = subparsers.add_parser(
        "results",
        help="write RESULTS.md from the metrics recorded by full-mode runs",
        description=(
            "Collects the headline metrics that the notebooks recorded (build/results/<mode>/) with the "
            "wall times of `python -m dlcourse run`, and writes them as a Markdown table next to the "
            "textbook references."
        ),
        epilog=EPILOG,
    )
    parser.add_argument("--mode", choices=("full", "quick"), default="full", help="which run's records (default: full)")
    parser.add_argument("--output", default=None, metavar="PATH", help="file to write (default: RESULTS.md at the checkout's root)")
    parser.set_defaults(func=_results)


def _results(args) -> int:
    records, timings = load_results(args.mode)
    if not records and not timings:
        print(f"results: nothing recorded in {results_dir(args.mode)}; run `python -m dlcourse run"
              f"{' --full' if args.mode == 'full' else ''}` first")
        return EXIT_FAILED
    try:
        notebooks = [p.stem for p in find_notebooks()]
    except FileNotFoundError:  # outside a checkout: the table lists what was recorded
        notebooks = []
    output = args.output or (config.project_root() or Path.cwd()) / "RESULTS.md"
    path = write_results_markdown(output, mode=args.mode, notebooks=notebooks)
    print(f"results: {len(records)} notebook(s) with metrics, {len(timings)} timed; written to {path}")
    return EXIT_OK
