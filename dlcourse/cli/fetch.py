"""``python -m dlcourse fetch``: fill the Keras cache and verify every file."""

from __future__ import annotations

import sys

from dlcourse.cli.exit_codes import EPILOG, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from dlcourse.data import cache, registry
from dlcourse.errors import DataUnavailableError

__all__ = ["add_fetch_parser", "print_cache_table"]


def add_fetch_parser(subparsers) -> None:
    """Registers ``fetch`` with the ``dlcourse`` parser's subparsers."""
    parser = subparsers.add_parser(
        "fetch",
        help="download datasets and weights into the Keras cache and verify them",
        description=(
            "Fills the Keras cache (KERAS_HOME, default ~/.keras) ahead of a class and verifies every file: "
            "hashes, archive contents and file counts. Known names: " + ", ".join(registry.names()) + "."
        ),
        epilog=EPILOG,
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="registry names to fetch")
    parser.add_argument("--all", action="store_true", help="fetch everything the course uses")
    parser.add_argument("--list", action="store_true", help="list the names with what the cache holds, fetch nothing")
    parser.add_argument("--force", action="store_true", help="download and extract again even when cached")
    parser.set_defaults(func=_fetch)


def print_cache_table() -> bool:
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
        print_cache_table()
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
