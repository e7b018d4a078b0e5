"""``python -m dlcourse run``: execute notebooks headless (see :mod:`dlcourse.runner`)."""

from __future__ import annotations

import sys

from dlcourse.cli.exit_codes import EPILOG, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from dlcourse.runner import run_notebooks

__all__ = ["add_run_parser"]


def add_run_parser(subparsers) -> None:
    """Registers ``run`` with the ``dlcourse`` parser's subparsers."""
    parser = subparsers.add_parser(
        "run",
        help="execute notebooks headless (executed copies and HTML in build/run/<mode>/)",
        description=(
            "Executes notebooks top to bottom, each in a fresh kernel, in quick mode (default) or full "
            "mode. Writes the executed copy and an HTML page of each to build/run/<mode>/ and records "
            "wall time, peak memory and machine next to the notebook's headline metrics. The notebooks "
            "in the repository are not modified."
        ),
        epilog=EPILOG,
    )
    parser.add_argument("notebooks", nargs="*", metavar="NN", help="notebooks to run, e.g. 01 or 01_imdb (default: all)")
    parser.add_argument("--full", action="store_true", help="full mode: the real data and epochs (default: quick mode)")
    parser.add_argument("--timeout", type=int, default=3600, metavar="S", help="seconds allowed per cell (default 3600)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or per-notebook lines; failures only")
    parser.set_defaults(func=_run)


def _run(args) -> int:
    try:
        reports = run_notebooks(args.notebooks or None, full=args.full, timeout=args.timeout,
                                html=not args.no_html, verbose=0 if args.quiet else 1)
    except (ValueError, FileNotFoundError) as exc:  # checked before any notebook runs
        print(f"dlcourse run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not reports:
        print("dlcourse run: no notebooks found", file=sys.stderr)
        return EXIT_FAILED
    failed = [r for r in reports if not r.ok]
    if args.quiet:
        for report in failed:
            print(f"dlcourse run: {report.notebook} FAILED: {report.error}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
