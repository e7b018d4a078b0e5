"""The wrong submissions here are graded by tests/test_assignments.py, not run by nbval."""

collect_ignore_glob = ["*.ipynb"]
