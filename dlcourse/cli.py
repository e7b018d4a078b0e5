"""The command line: ``python -m dlcourse fetch | doctor | run | results``.

``python -m dlcourse run --full --publish NN`` writes a notebook's full-mode outputs back into
``notebooks/`` (:mod:`dlcourse.publish`) and regenerates ``RESULTS.md``.

Exit codes, the same for every subcommand: ``0`` everything asked for is in place, ``1``
something is missing or failed, ``2`` the command line was wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dlcourse import config
from dlcourse.data import cache, registry
from dlcourse.environment import environment_summary
from dlcourse.errors import DataUnavailableError
from dlcourse.results import load_results, results_dir, write_results_markdown
from dlcourse.runner import find_notebooks, run_notebooks

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
"""Everything asked for is in place."""
EXIT_FAILED = 1
"""Something is missing or failed (a download, a check, a notebook)."""
EXIT_USAGE = 2
"""The command line was wrong (unknown name, bad option)."""

_EPILOG = "exit codes: 0 all good, 1 something missing or failed, 2 usage error"


def _print_cache_table() -> bool:
    """Prints one line per registry name with what the cache holds; returns whether all required are there."""
    all_ok = True
    for name, resource in registry.REGISTRY.items():
        status = cache.cache_status(name)
        all_ok &= status.ok or not resource.required
        mark = "ok" if status.ok else ("MISSING" if resource.required else "missing (optional)")
        notebooks = ",".join(resource.notebooks)
        print(f"  {name:<22} {registry.format_size(resource.size):>9}  nb {notebooks:<12} {mark:<19} {status.detail}")
    return all_ok


def _fetch(args) -> int:
    known = registry.REGISTRY
    if args.list:
        _print_cache_table()
        return EXIT_OK
    unknown = [n for n in args.names if n not in known]
    problem = None
    if unknown:
        problem = f"unknown name(s) {', '.join(unknown)}; known: {', '.join(known)}"
    elif args.all and args.names:
        problem = "give names or --all, not both"
    elif not args.all and not args.names:
        problem = f"give one or more names or --all; known: {', '.join(known)}"
    if problem:
        print(f"dlcourse fetch: {problem}", file=sys.stderr)
        return EXIT_USAGE
    wanted = list(known) if args.all else list(dict.fromkeys(args.names))
    failed = []
    for name in wanted:
        try:
            paths = cache.fetch(name, force=args.force)
        except DataUnavailableError as exc:
            failed.append(name)
            print(f"[FAILED] {name}: {exc}", flush=True)
        else:
            print(f"[ok] {name}: {known[name].verification}; " + ", ".join(str(p) for p in paths), flush=True)
    summary = f"{len(wanted) - len(failed)} of {len(wanted)} fetched and verified"
    print(summary + (f"; failed: {', '.join(failed)}" if failed else ""))
    return EXIT_FAILED if failed else EXIT_OK


def _doctor(args) -> int:
    print(environment_summary())
    healthy = True
    try:
        config.quick_mode()
    except ValueError:  # the summary's "Mode: PROBLEM" line says what is wrong
        healthy = False
    home = config.keras_home()
    print(f"Keras home: {home}")
    if not home.exists():
        print("  does not exist yet; the first download creates it")
    elif cache.is_writable(home):
        print("  writable: yes")
    else:
        healthy = False
        print(f"  writable: NO - Keras silently uses {cache.FALLBACK_HOME} instead; copy the cache to a writable folder")
    mismatch = cache.keras_home_mismatch()
    if mismatch:
        healthy = False
        print("  PROBLEM:", mismatch)
    print("Cache (fill it with `python -m dlcourse fetch --all`):")
    healthy &= _print_cache_table()
    print("doctor: all good" if healthy else "doctor: something the course needs is missing or wrong (see above)")
    return EXIT_OK if healthy else EXIT_FAILED


def _write_results(mode: str, output=None) -> Path:
    """Writes the records of one mode as RESULTS.md (or ``output``), every notebook of the checkout listed."""
    try:
        notebooks = [p.stem for p in find_notebooks()]
    except FileNotFoundError:  # outside a checkout: the table lists what was recorded
        notebooks = []
    output = output or (config.project_root() or Path.cwd()) / "RESULTS.md"
    return write_results_markdown(output, mode=mode, notebooks=notebooks)


def _run(args) -> int:
    if args.publish and not args.full:
        print("dlcourse run: --publish needs --full (published notebooks show full-mode outputs)", file=sys.stderr)
        return EXIT_USAGE
    try:
        reports = run_notebooks(args.notebooks or None, full=args.full, timeout=args.timeout,
                                html=not args.no_html, verbose=0 if args.quiet else 1, publish=args.publish)
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
    if args.publish and failed:
        print(f"dlcourse run: RESULTS.md not regenerated: {len(failed)} notebook(s) failed and were not published",
              file=sys.stderr)
    elif args.publish:
        path = _write_results("full")
        if not args.quiet:
            print(f"published {len(reports)} notebook(s); {path} regenerated from the full-mode records", flush=True)
    return EXIT_FAILED if failed else EXIT_OK


def _results(args) -> int:
    records, timings = load_results(args.mode)
    if not records and not timings:
        print(f"results: nothing recorded in {results_dir(args.mode)}; run `python -m dlcourse run"
              f"{' --full' if args.mode == 'full' else ''}` first")
        return EXIT_FAILED
    path = _write_results(args.mode, args.output)
    print(f"results: {len(records)} notebook(s) with metrics, {len(timings)} timed; written to {path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Returns the ``dlcourse`` argument parser with its subcommands.

    Example:

    >>> from dlcourse.cli import build_parser
    >>> build_parser().parse_args(["run", "01", "--full"]).full
    True
    """
    parser = argparse.ArgumentParser(prog="python -m dlcourse", epilog=_EPILOG,
                                     description="Command line of the dlcourse deep-learning course.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name, func, help, description):
        sub = subparsers.add_parser(name, help=help, description=description, epilog=_EPILOG)
        sub.set_defaults(func=func)
        return sub

    fetch = add("fetch", _fetch, "download datasets and weights into the Keras cache and verify them",
                "Fills the Keras cache (KERAS_HOME, default ~/.keras) ahead of a class and verifies every file: "
                "hashes, archive contents and file counts. Known names: " + ", ".join(registry.names()) + ".")
    fetch.add_argument("names", nargs="*", metavar="NAME", help="registry names to fetch")
    fetch.add_argument("--all", action="store_true", help="fetch everything the course uses")
    fetch.add_argument("--list", action="store_true", help="list the names with what the cache holds, fetch nothing")
    fetch.add_argument("--force", action="store_true", help="download and extract again even when cached")
    add("doctor", _doctor, "report versions, devices, quick/full mode and what the Keras cache holds",
        "Reports Python and library versions, TensorFlow's devices, quick or full mode, the Keras home "
        "(and whether it is writable: Keras silently falls back to /tmp/.keras when it is not) and which "
        "datasets and weights are cached. Exits 1 when something the course needs is missing.")
    run = add("run", _run, "execute notebooks headless (executed copies and HTML in build/run/<mode>/)",
              "Executes notebooks top to bottom, each in a fresh kernel, in quick mode (default) or full mode. "
              "Writes the executed copy and an HTML page of each to build/run/<mode>/ and records wall time, "
              "peak memory and machine next to the notebook's headline metrics. The notebooks in the "
              "repository are not modified, unless --publish: then each notebook that ran writes its "
              "outputs back into notebooks/ (normalized, figures as PNG, long logs cut, stamped with the "
              "mode, date, machine, versions and a hash of its code cells), and RESULTS.md is regenerated "
              "when all of them succeeded.")
    run.add_argument("notebooks", nargs="*", metavar="NN", help="notebooks to run, e.g. 01 or 01_imdb (default: all)")
    run.add_argument("--full", action="store_true", help="full mode: the real data and epochs (default: quick mode)")
    run.add_argument("--timeout", type=int, default=3600, metavar="S", help="seconds allowed per cell (default 3600)")
    run.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    run.add_argument("--quiet", action="store_true", help="no progress bar or per-notebook lines; failures only")
    run.add_argument("--publish", action="store_true",
                     help="with --full: write the executed notebooks back into notebooks/ and regenerate RESULTS.md")
    results = add("results", _results, "write RESULTS.md from the metrics recorded by full-mode runs",
                  "Collects the headline metrics that the notebooks recorded (build/results/<mode>/) with the "
                  "wall times of `python -m dlcourse run`, and writes them as a Markdown table next to the "
                  "textbook references.")
    results.add_argument("--mode", choices=("full", "quick"), default="full",
                         help="which run's records (default: full)")
    results.add_argument("--output", default=None, metavar="PATH",
                         help="file to write (default: RESULTS.md at the checkout's root)")
    return parser


def main(argv=None) -> int:
    """Runs the command line; returns the exit code (``--help`` returns 0).

    Args:
        argv: the arguments without the program name (default: ``sys.argv[1:]``).

    Example:

    >>> from dlcourse.cli import main
    >>> main(["fetch", "no_such_dataset"])
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    return args.func(args)
