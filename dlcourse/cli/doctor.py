"""``python -m dlcourse doctor``: versions, devices, mode and what the Keras cache holds."""

from __future__ import annotations

from dlcourse import config
from dlcourse.cli.exit_codes import EPILOG, EXIT_FAILED, EXIT_OK
from dlcourse.cli.fetch import print_cache_table
from dlcourse.data import cache
from dlcourse.environment import environment_summary

__all__ = ["add_doctor_parser"]


def add_doctor_parser(subparsers) -> None:
    """Registers ``doctor`` with the ``dlcourse`` parser's subparsers."""
    parser = subparsers.add_parser(
        "doctor",
        help="report versions, devices, quick/full mode and what the Keras cache holds",
        description=(
            "Reports Python and library versions, TensorFlow's devices, quick or full mode, the Keras home "
            "(and whether it is writable: Keras silently falls back to /tmp/.keras when it is not) and which "
            "datasets and weights are cached. Exits 1 when something the course needs is missing."
        ),
        epilog=EPILOG,
    )
    parser.set_defaults(func=_doctor)


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
    healthy &= print_cache_table()
    print("doctor: all good" if healthy else "doctor: something the course needs is missing or wrong (see above)")
    return EXIT_OK if healthy else EXIT_FAILED
