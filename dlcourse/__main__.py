"""``python -m dlcourse``: see :mod:`dlcourse.cli`."""

from dlcourse.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
