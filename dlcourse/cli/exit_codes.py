"""The exit codes of every ``python -m dlcourse`` subcommand, for scripts to rely on."""

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EPILOG"]

EXIT_OK = 0
"""Everything asked for is in place."""
EXIT_FAILED = 1
"""Something is missing or failed (a download, a check, a notebook)."""
EXIT_USAGE = 2
"""The command line was wrong (unknown name, bad option)."""

EPILOG = "exit codes: 0 all good, 1 something missing or failed, 2 usage error"
"""The line that ends every subcommand's ``--help``."""
