"""The command line: ``python -m dlcourse fetch | doctor | run | results``.

One module per subcommand, each with an ``add_<name>_parser(subparsers)`` function; they import
the library below them and never this package. Exit codes, the same for every subcommand
(:mod:`dlcourse.cli.exit_codes`): ``0`` everything asked for is in place, ``1`` something is
missing or failed, ``2`` the command line was wrong.
"""

from __future__ import annotations

import argparse

from dlcourse.cli.doctor import add_doctor_parser
from dlcourse.cli.exit_codes import EPILOG, EXIT_USAGE
from dlcourse.cli.fetch import add_fetch_parser
from dlcourse.cli.results import add_results_parser
from dlcourse.cli.run import add_run_parser

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Returns the ``dlcourse`` argument parser with its subcommands.

    Example:

    >>> from dlcourse.cli import build_parser
    >>> build_parser().parse_args(["run", "01", "--full"]).full
    True
    """
    parser = argparse.ArgumentParser(prog="python -m dlcourse", description="Command line of the dlcourse deep-learning course.",
                                     epilog=EPILOG)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_parser in (add_fetch_parser, add_doctor_parser, add_run_parser, add_results_parser):
        add_parser(subparsers)
    return parser


def main(argv=None) -> int:
    """Runs the command line; returns the exit code (0 ok, 1 missing/failed, 2 usage error).

    Args:
        argv: the arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit code; ``--help`` returns 0.

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
