"""The shape every notebook shares (CONTRIBUTING, "Notebooks"): a title, a one-line description and
the Colab badge; a setup cell; one parameters cell holding every ``pick(full=..., quick=...)``;
short code cells; a summary, exercises and their solutions at the end; and nothing about the course's
own machinery (the syllabus, nbval, CI) in the text a student reads."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_CELL_LINES = 20  # "none over about 20"
MAX_MEDIAN_LINES = 8  # "median about 5"
ENDING = ("## Summary", "## Exercises", "## Solutions")


def _cells(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source) for c in nb.cells]


def _code_lines(source: str) -> int:
    return len(source.rstrip("\n").splitlines())


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return request.param


def test_there_are_fifteen_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(15)]


def test_opening_title_description_badge(notebook):
    kind, first = _cells(notebook)[0]
    assert kind == "markdown"
    lines = [line for line in first.splitlines() if line.strip()]
    assert re.match(rf"# {notebook.name[:2]} · \S", lines[0]), lines[0]
    assert not lines[1].startswith(("#", "[")), "a one-line description follows the title"
    assert f"colab.research.google.com/github/dlcourse/dlcourse/blob/main/notebooks/{notebook.name}" in first


def test_setup_cell_then_one_parameters_cell(notebook):
    code = [source for kind, source in _cells(notebook) if kind == "code"]
    assert "dlcourse.setup(" in code[0], "the first code cell is the setup cell"
    with_pick = [i for i, source in enumerate(code) if "pick(" in source]
    assert len(with_pick) <= 1, f"pick(...) appears in code cells {with_pick}; keep them in one parameters cell"


def test_code_cells_are_short(notebook):
    lengths = [_code_lines(source) for kind, source in _cells(notebook) if kind == "code"]
    long = [n for n in lengths if n > MAX_CELL_LINES]
    assert not long, f"code cells over {MAX_CELL_LINES} lines: {long}"
    assert statistics.median(lengths) <= MAX_MEDIAN_LINES, f"median {statistics.median(lengths)} lines"


def test_ends_with_summary_exercises_solutions(notebook):
    headings = [line.strip() for kind, source in _cells(notebook) if kind == "markdown"
                for line in source.splitlines() if line.startswith("## ")]
    positions = [headings.index(h) if h in headings else -1 for h in ENDING]
    assert -1 not in positions, f"missing one of {ENDING}: {headings[-4:]}"
    assert positions == sorted(positions) and positions[0] >= len(headings) - 3


def test_at_least_one_open_exercise(notebook):
    text = "\n".join(source for kind, source in _cells(notebook) if kind == "markdown")
    exercises = text.split("## Exercises", 1)[1].split("## Solutions", 1)[0]
    assert re.search(r"^\d+\. \*\*Open exercise: ", exercises, re.MULTILINE), \
        "title at least one exercise 'N. **Open exercise: ...**' (a small project, not a one-argument change)"


def test_no_course_machinery_in_the_text(notebook):
    text = "\n".join(source for kind, source in _cells(notebook) if kind == "markdown")
    for word in ("syllabus", "nbval", "NBVAL", " CI ", " CI.", " CI,", "(CI"):
        assert word.lower() not in text.lower() if word.islower() else word not in text, word
