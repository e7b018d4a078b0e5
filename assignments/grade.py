"""Grades a folder of submitted notebooks with otter-grader, without Docker, into one CSV.

Usage::

    python assignments/grade.py SUBMISSIONS_DIR --autograder AUTOGRADER.zip --out scores.csv

Each ``*.ipynb`` in ``SUBMISSIONS_DIR`` is graded by ``otter run`` in its own process, with a
timeout. Our own code rather than ``otter grade`` (which needs Docker) or a loop over
``otter.api.grade_submission`` (no timeout; an unreadable notebook stops the loop): a submission
that is not a valid notebook, lacks a question's cells, hangs or crashes gets a row with
``status`` ``failed`` and the ``reason``, and the other submissions are still graded. The CSV is
rewritten atomically after every submission, so an interrupted run keeps the rows it finished.

Student code runs with the grader's permissions: it is not sandboxed outside Docker.
"""

import argparse
import csv
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed

import nbformat

__all__ = ["grade_folder", "main"]

_QUESTION_FILE = re.compile(r"^tests/(?P<name>[^/]+)\.py$")


def _questions(autograder):
    """The question names of an otter autograder zip, from its ``tests/<name>.py`` files."""
    with zipfile.ZipFile(autograder) as archive:
        names = [m["name"] for m in map(_QUESTION_FILE.match, archive.namelist()) if m]
    return sorted(names)


def _problem(path, questions):
    """Why ``path`` cannot be graded (a sentence), or ``None`` when it can."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError, nbformat.reader.NotJSONError) as error:
        return f"not a valid notebook: {type(error).__name__}: {str(error)[:200]}"
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    missing = [q for q in questions if not re.search(rf"""grader\.check\(\s*["']{re.escape(q)}["']""", code)]
    if missing:
        return "missing the cells of question(s) " + ", ".join(missing)
    return None


def _run_otter(path, autograder, timeout):
    """Runs ``otter run`` on one submission; returns ``({question: score}, reason or None)``."""
    with tempfile.TemporaryDirectory() as output:
        command = [sys.executable, "-m", "otter", "run", "--no-logo",
                   "-a", str(autograder), "-o", output, str(path)]
        # Its own session, so that a timeout kills otter and its children; the kernel (in a session
        # of its own) exits by itself once otter is gone (ipykernel watches JPY_PARENT_PID).
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True)
        try:
            log, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {}, f"timed out after {timeout:g} s"
        results = pathlib.Path(output, "results.json")
        if not results.exists():
            tail = " ".join(log.strip().splitlines()[-3:])[-300:]
            return {}, f"otter run failed (exit code {process.returncode}): {tail}"
        tests = json.loads(results.read_text())["tests"]
    return {t["name"]: (t["score"], t["max_score"]) for t in tests if "score" in t}, None


def _write_csv(rows, columns, out):
    """Writes ``rows`` to ``out`` atomically (a temporary file renamed over it)."""
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", newline="", dir=out.parent, suffix=".tmp",
                                     delete=False) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(handle.name, out)


def _grade_one(path, autograder, questions, timeout):
    """The CSV row of one submission."""
    row = {"submission": path.name, "status": "failed", "total": 0}
    row["reason"] = _problem(path, questions)
    if row["reason"] is None:
        scores, row["reason"] = _run_otter(path.resolve(), autograder.resolve(), timeout)
        if row["reason"] is None:
            row.update({q: scores.get(q, (0, 0))[0] for q in questions}, status="graded")
            row["total"] = sum(score for score, _ in scores.values())
            row["possible"] = sum(possible for _, possible in scores.values())
    return row


def grade_folder(submissions, autograder, out, *, timeout=600.0, jobs=1, verbose=1):
    """Grades every ``*.ipynb`` in ``submissions`` and writes one CSV row per submission.

    Args:
        submissions: a folder of submitted notebooks.
        autograder: the ``*-autograder_*.zip`` that ``otter assign`` wrote.
        out: the CSV to write: ``submission``, ``status`` (``graded`` or ``failed``),
            ``reason``, one column per question, ``total`` and ``possible``; its rows are sorted
            by submission and it is rewritten after each submission graded.
        timeout: seconds allowed to grade one submission (its whole notebook).
        jobs: how many submissions to grade at the same time (each in its own process).
        verbose: ``0`` prints nothing; otherwise one line per submission.

    Returns:
        The rows written, as a list of dicts.

    Raises:
        ValueError: if ``submissions`` is not a folder, ``autograder`` is not a file,
            ``timeout`` is not positive or ``jobs`` is not a positive int.
    """
    submissions, autograder = pathlib.Path(submissions), pathlib.Path(autograder)
    if not submissions.is_dir():
        raise ValueError(f"submissions must be a folder; received submissions={str(submissions)!r}")
    if not autograder.is_file():
        raise ValueError(f"autograder must be the zip of otter assign; received autograder={str(autograder)!r}")
    if not timeout > 0:
        raise ValueError(f"timeout must be > 0 seconds; received timeout={timeout!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an int >= 1; received jobs={jobs!r}")
    questions = _questions(autograder)
    columns = ["submission", "status", "reason", *questions, "total", "possible"]
    rows = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_grade_one, path, autograder, questions, timeout)
                   for path in sorted(submissions.glob("*.ipynb"))]
        for future in as_completed(futures):
            row = future.result()
            rows[row["submission"]] = row
            _write_csv([rows[name] for name in sorted(rows)], columns, out)
            if verbose:
                print(f"{row['submission']}: {row['status']}, {row['total']}", row["reason"] or "",
                      flush=True)
    return [rows[name] for name in sorted(rows)]


def main(argv=None):
    """The command line: ``python assignments/grade.py SUBMISSIONS_DIR --autograder ZIP --out CSV``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", help="folder of submitted .ipynb notebooks")
    parser.add_argument("--autograder", required=True, help="the autograder zip of otter assign")
    parser.add_argument("--out", default="scores.csv", help="the CSV to write (default scores.csv)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds allowed per submission (default 600)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="submissions graded at the same time (default 1)")
    args = parser.parse_args(argv)
    grade_folder(args.submissions, args.autograder, args.out, timeout=args.timeout, jobs=args.jobs)


if __name__ == "__main__":
    main()
