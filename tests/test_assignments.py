"""The autograded assignments: ``otter assign`` builds them, and grading scores them as intended.

Every assignment is graded three times (the reference solution, the blank student notebook and
the committed wrong submission under ``tests/assignments/``) and the scores are read from the
CSV of ``assignments/grade.py``, never from an exit code.
"""

import csv
import importlib.util
import pathlib
import shutil

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
WRONG = ROOT / "tests" / "assignments"

_spec = importlib.util.spec_from_file_location("grade", ROOT / "assignments" / "grade.py")
grade = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(grade)

# The points of each question, and what the committed wrong submission scores on each.
POINTS = {
    "text-classification": {"q1": 3, "q2": 2, "q3": 3},
    "kfold-regression": {"q1": 3, "q2": 3, "q3": 3},
    "fashion-convnet": {"q1": 2, "q2": 4},
    "hyperparameter-search": {"q1": 2, "q2": 4},
}
WRONG_SCORES = {
    "text-classification": {"q1": 1},  # vocabulary adapted to the test texts too
    "kfold-regression": {"q1": 1},  # test set standardized with its own statistics
    "fashion-convnet": {"q1": 1},  # no dropout, no augmentation
    "hyperparameter-search": {"q2": 3},  # test set evaluated twice
}
TIMEOUT = 300  # seconds per submission: a hanging notebook fails instead of hanging CI


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``otter assign`` of every master notebook; returns ``{name: output folder}``."""
    from otter.assign import main as otter_assign

    out = tmp_path_factory.mktemp("assignments")
    for name in POINTS:
        master = ROOT / "assignments" / name / f"{name}.ipynb"
        # No test run here: grading the reference solution below runs the same hidden tests.
        otter_assign(str(master), str(out / name), no_run_tests=True)
    return out


def _autograder(folder):
    (zip_path,) = (folder / "autograder").glob("*-autograder_*.zip")
    return zip_path


def _grade(folder, submissions, tmp_path, **kwargs):
    out = tmp_path / "scores.csv"
    grade.grade_folder(submissions, _autograder(folder), out, verbose=0, **kwargs)
    with open(out, newline="") as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


def _code(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("name", sorted(POINTS))
def test_master_notebook_is_clean(name):
    master = nbformat.read(ROOT / "assignments" / name / f"{name}.ipynb", as_version=4)
    assert all(cell.outputs == [] and cell.execution_count is None for cell in _code(master))
    config = master.cells[0].source
    assert config.startswith("# ASSIGNMENT CONFIG") and "runs_on: colab" in config
    assert "files: true" in config and "ok_format: false" in config


@pytest.mark.parametrize("name", sorted(POINTS))
def test_student_version(built, name):
    student = built / name / "student"
    notebook = nbformat.read(student / f"{name}.ipynb", as_version=4)
    sources = "\n".join(cell.source for cell in notebook.cells)
    assert "colab.research.google.com/assets/colab-badge.svg" in sources
    assert "info = dlcourse.setup(seed=42)" in sources
    assert "%pip install -q otter-grader" in sources  # otter's Colab path (runs_on: colab)
    assert "# BEGIN SOLUTION" not in sources and "BEGIN TEST CONFIG" not in sources
    for question in POINTS[name]:
        assert f'grader.check("{question}")' in sources
        public = (student / "tests" / f"{question}.py").read_text()
        hidden = (built / name / "autograder" / "tests" / f"{question}.py").read_text()
        assert "hidden=True" not in public and public.count("@test_case") < hidden.count("@test_case")


@pytest.mark.parametrize("name", sorted(POINTS))
def test_grading_scores_solution_blank_and_wrong_submission(built, name, tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(built / name / "autograder" / f"{name}.ipynb", submissions / "solution.ipynb")
    shutil.copy(built / name / "student" / f"{name}.ipynb", submissions / "blank.ipynb")
    shutil.copy(WRONG / f"{name}-wrong.ipynb", submissions / "wrong.ipynb")

    rows = _grade(built / name, submissions, tmp_path, timeout=TIMEOUT, jobs=3)

    total = sum(POINTS[name].values())
    expected = {
        "solution.ipynb": POINTS[name],
        "blank.ipynb": dict.fromkeys(POINTS[name], 0),
        "wrong.ipynb": {**POINTS[name], **WRONG_SCORES[name]},
    }
    for submission, scores in expected.items():
        row = rows[submission]
        assert (row["status"], row["reason"]) == ("graded", ""), row
        assert {q: float(row[q]) for q in POINTS[name]} == scores, submission
        assert (float(row["total"]), float(row["possible"])) == (sum(scores.values()), total)


def test_malformed_submissions_are_reported_and_the_others_graded(built, tmp_path):
    name = "kfold-regression"
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    (submissions / "invalid.ipynb").write_text('{"cells": [')
    # A submission with only the check cells: valid, gradable, and quick (no training).
    checks = [f'import otter\ngrader = otter.Notebook()\ngrader.check("{q}")' for q in POINTS[name]]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in checks])
    nbformat.write(notebook, submissions / "no-assignment-name.ipynb")  # otter run rejects it
    blank = nbformat.read(built / name / "student" / f"{name}.ipynb", as_version=4)
    notebook.metadata = blank.metadata  # names the assignment, as the student notebook does
    nbformat.write(notebook, submissions / "checks-only.ipynb")
    notebook.cells = [cell for cell in notebook.cells if 'grader.check("q2")' not in cell.source]
    nbformat.write(notebook, submissions / "missing.ipynb")

    rows = _grade(built / name, submissions, tmp_path, timeout=TIMEOUT)

    assert rows["invalid.ipynb"]["status"] == "failed"
    assert rows["invalid.ipynb"]["reason"].startswith("not a valid notebook")
    assert rows["missing.ipynb"]["status"] == "failed"
    assert rows["missing.ipynb"]["reason"] == "missing the cells of question(s) q2"
    assert rows["no-assignment-name.ipynb"]["status"] == "failed"
    assert rows["no-assignment-name.ipynb"]["reason"].startswith("otter run failed (exit code 1)")
    assert "Received submission for assignment 'None'" in rows["no-assignment-name.ipynb"]["reason"]
    assert rows["checks-only.ipynb"]["status"] == "graded"
    assert float(rows["checks-only.ipynb"]["total"]) == 0
    assert float(rows["checks-only.ipynb"]["possible"]) == sum(POINTS[name].values())
    assert (submissions / "invalid.ipynb").read_text() == '{"cells": ['  # nothing lost


def test_hanging_submission_times_out(built, tmp_path):
    name = "kfold-regression"
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    notebook = nbformat.read(built / name / "student" / f"{name}.ipynb", as_version=4)
    _code(notebook)[0].source = "import time\ntime.sleep(3600)"
    nbformat.write(notebook, submissions / "hangs.ipynb")

    rows = _grade(built / name, submissions, tmp_path, timeout=5)

    assert rows["hangs.ipynb"]["status"] == "failed"
    assert rows["hangs.ipynb"]["reason"] == "timed out after 5 s"


def test_grade_folder_rejects_a_missing_folder(built, tmp_path):
    with pytest.raises(ValueError, match="submissions must be a folder; received submissions="):
        grade.grade_folder(tmp_path / "absent", _autograder(built / "kfold-regression"), tmp_path / "s.csv")


def test_grade_folder_rejects_a_missing_autograder(tmp_path):
    with pytest.raises(ValueError, match="autograder must be the zip of otter assign; received"):
        grade.grade_folder(tmp_path, tmp_path / "absent.zip", tmp_path / "s.csv")


def test_grade_folder_rejects_a_non_positive_timeout(built, tmp_path):
    with pytest.raises(ValueError, match="timeout must be > 0 seconds; received timeout=0"):
        grade.grade_folder(tmp_path, _autograder(built / "kfold-regression"), tmp_path / "s.csv", timeout=0)


def test_grade_folder_rejects_jobs_below_one(built, tmp_path):
    with pytest.raises(ValueError, match="jobs must be an int >= 1; received jobs=0"):
        grade.grade_folder(tmp_path, _autograder(built / "kfold-regression"), tmp_path / "s.csv", jobs=0)
