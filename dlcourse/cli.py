"""The command line: ``python -m dlcourse fetch | doctor | run | results``.

Exit codes, the same for every subcommand, for scripts to rely on:

* ``0`` (:data:`EXIT_OK`): everything asked for is in place;
* ``1`` (:data:`EXIT_FAILED`): something is missing or failed (a download, a check);
* ``2`` (:data:`EXIT_USAGE`): the command line was wrong (unknown name, bad option).

Each subcommand is one ``add_<name>_parser(subparsers)`` function that registers its parser
and sets ``func`` to a ``cmd_<name>(args) -> int`` function; :func:`build_parser` calls them.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK = 0
"""Everything asked for is in place."""
EXIT_FAILED = 1
"""Something is missing or failed."""
EXIT_USAGE = 2
"""The command line was wrong."""

_EPILOG = "exit codes: 0 all good, 1 something missing or failed, 2 usage error"


def add_fetch_parser(subparsers) -> argparse.ArgumentParser:
    """Registers ``fetch``: fill the Keras cache and verify every file."""
    from dlcourse.data.registry import names

    parser = subparsers.add_parser(
        "fetch",
        help="download datasets and weights into the Keras cache and verify them",
        description=(
            "Fills the Keras cache (KERAS_HOME, default ~/.keras) ahead of a class and verifies every file: "
            "hashes, archive contents and file counts. Known names: " + ", ".join(names()) + "."
        ),
        epilog=_EPILOG,
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="registry names to fetch")
    parser.add_argument("--all", action="store_true", help="fetch everything the course uses")
    parser.add_argument("--list", action="store_true", help="list the names with what the cache holds, fetch nothing")
    parser.add_argument("--force", action="store_true", help="download and extract again even when cached")
    parser.set_defaults(func=cmd_fetch)
    return parser


def _print_status_table() -> bool:
    from dlcourse.data.fetching import cache_status
    from dlcourse.data.registry import REGISTRY, format_size

    all_ok = True
    for name, resource in REGISTRY.items():
        status = cache_status(name)
        required = resource.required
        all_ok &= status.ok or not required
        mark = "ok" if status.ok else ("MISSING" if required else "missing (optional)")
        notebooks = ",".join(resource.notebooks)
        print(f"  {name:<22} {format_size(resource.size):>9}  nb {notebooks:<12} {mark:<19} {status.detail}")
    return all_ok


def cmd_fetch(args) -> int:
    """Runs ``fetch``; returns the exit code."""
    from dlcourse.data.fetching import fetch
    from dlcourse.data.registry import REGISTRY
    from dlcourse.errors import DataUnavailableError

    if args.list:
        _print_status_table()
        return EXIT_OK
    unknown = [n for n in args.names if n not in REGISTRY]
    if unknown:
        print(f"dlcourse fetch: unknown name(s) {', '.join(unknown)}; known: {', '.join(REGISTRY)}", file=sys.stderr)
        return EXIT_USAGE
    if args.all and args.names:
        print("dlcourse fetch: give names or --all, not both", file=sys.stderr)
        return EXIT_USAGE
    wanted = list(REGISTRY) if args.all else list(dict.fromkeys(args.names))
    if not wanted:
        print(f"dlcourse fetch: give one or more names or --all; known: {', '.join(REGISTRY)}", file=sys.stderr)
        return EXIT_USAGE
    failed = []
    for name in wanted:
        try:
            paths = fetch(name, force=args.force)
        except DataUnavailableError as exc:
            failed.append(name)
            print(f"[FAILED] {name}: {exc}", flush=True)
        else:
            print(f"[ok] {name}: {REGISTRY[name].verification}; " + ", ".join(str(p) for p in paths), flush=True)
    summary = f"{len(wanted) - len(failed)} of {len(wanted)} fetched and verified"
    print(summary + (f"; failed: {', '.join(failed)}" if failed else ""))
    return EXIT_FAILED if failed else EXIT_OK


def add_doctor_parser(subparsers) -> argparse.ArgumentParser:
    """Registers ``doctor``: report versions, devices, mode and the Keras cache."""
    parser = subparsers.add_parser(
        "doctor",
        help="report versions, devices, quick/full mode and what the Keras cache holds",
        description=(
            "Reports Python and library versions, TensorFlow's devices, quick or full mode, the Keras home "
            "(and whether it is writable: Keras silently falls back to /tmp/.keras when it is not) and which "
            "datasets and weights are cached. Exits 1 when something the course needs is missing."
        ),
        epilog=_EPILOG,
    )
    parser.set_defaults(func=cmd_doctor)
    return parser


def cmd_doctor(args) -> int:
    """Runs ``doctor``; returns the exit code."""
    from dlcourse import config, environment
    from dlcourse.data._cache import FALLBACK_HOME, is_writable, keras_home_mismatch

    healthy = True
    print(environment.format_versions(environment.versions()))
    print("Devices:", environment.format_devices(environment.devices()))
    try:
        print("Mode:", environment.mode_notice())
    except ValueError as exc:
        healthy = False
        print("Mode: PROBLEM:", exc)
    home = config.keras_home()
    print(f"Keras home: {home}")
    if not home.exists():
        print("  does not exist yet; the first download creates it")
    elif is_writable(home):
        print("  writable: yes")
    else:
        healthy = False
        print(f"  writable: NO - Keras silently uses {FALLBACK_HOME} instead; copy the cache to a writable folder")
    mismatch = keras_home_mismatch()
    if mismatch:
        healthy = False
        print("  PROBLEM:", mismatch)
    print("Cache (fill it with `python -m dlcourse fetch --all`):")
    healthy &= _print_status_table()
    print("doctor: all good" if healthy else "doctor: something the course needs is missing or wrong (see above)")
    return EXIT_OK if healthy else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    """Returns the ``dlcourse`` argument parser with its subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m dlcourse",
        description="Command line of the dlcourse deep-learning course.",
        epilog=_EPILOG,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_fetch_parser(subparsers)
    add_doctor_parser(subparsers)
    from dlcourse.cli_course import add_results_parser, add_run_parser

    add_run_parser(subparsers)
    add_results_parser(subparsers)
    return parser


def main(argv=None) -> int:
    """Runs the command line; returns the exit code (0 ok, 1 missing/failed, 2 usage error).

    Args:
        argv: the arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit code; ``--help`` returns 0.

    Example:

    >>> main(["fetch", "--list"])  # doctest: +SKIP
    0
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
