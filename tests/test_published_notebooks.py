"""The committed notebooks' outputs are fresh: a notebook with outputs carries a full-mode stamp whose
code hash matches its code cells (`python -m dlcourse run --full --publish NN` writes both)."""

import json
from pathlib import Path

import nbformat
import pytest

from dlcourse import publish

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_outputs_are_fresh(path):
    problem = publish.freshness_problem(path)
    assert problem is None, problem


# --- the check itself, on a small temporary notebook -------------------------------------------


@pytest.fixture
def published(tmp_path):
    """A notebook published from an 'executed' copy with one output, as the runner would."""
    path = tmp_path / "05_demo.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 05 · Demo\nSome prose."),
                                         nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)")])
    nbformat.write(nb, path)
    executed = nbformat.read(path, as_version=4)
    executed.cells[1].execution_count = 1
    executed.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    return publish.publish_notebook(executed, path)


def _edit(path, index, source):
    nb = nbformat.read(path, as_version=4)
    nb.cells[index].source = source
    nbformat.write(nb, path)


def test_a_published_notebook_is_fresh(published):
    assert publish.freshness_problem(published) is None
    assert publish.freshness_problem(str(published)) is None


def test_editing_the_prose_keeps_it_fresh(published):
    _edit(published, 0, "# 05 · Demo\nBetter prose, same code.")
    assert publish.freshness_problem(published) is None


def test_editing_a_code_cell_makes_it_stale(published):
    _edit(published, 1, "x = 6 * 9\nprint(x)")
    problem = publish.freshness_problem(published)
    assert problem.startswith("05_demo.ipynb is stale: its code cells changed since it was published on 20")
    assert "re-publish it with `python -m dlcourse run --full --publish 05` (or clear its outputs)" in problem


def test_adding_a_code_cell_makes_it_stale(published):
    nb = nbformat.read(published, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('new')"))
    nbformat.write(nb, published)
    assert "is stale" in publish.freshness_problem(published)


def test_outputs_without_a_stamp_fail(published):
    nb = nbformat.read(published, as_version=4)
    del nb.metadata["dlcourse"]
    nbformat.write(nb, published)
    assert publish.freshness_problem(published) == (
        "05_demo.ipynb has outputs but no publication stamp; re-publish it with "
        "`python -m dlcourse run --full --publish 05` (or clear its outputs)")


def test_a_quick_mode_stamp_fails(published):
    nb = nbformat.read(published, as_version=4)
    nb.metadata["dlcourse"]["published"]["mode"] = "quick"
    nbformat.write(nb, published)
    assert "was published from a 'quick'-mode run, not a full-mode one" in publish.freshness_problem(published)


def test_notebooks_without_outputs_pass(published):
    nb = nbformat.read(published, as_version=4)
    nb.cells[1].outputs, nb.cells[1].execution_count = [], None
    nb.cells[1].source = "changed code, but nothing shown"
    nbformat.write(nb, published)
    assert publish.freshness_problem(published) is None
    clean = published.with_name("06_clean.ipynb")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), clean)
    assert publish.freshness_problem(clean) is None


def test_only_checked_cells_with_outputs_count_as_clean(tmp_path):
    # The rule before publishing: a clean notebook may commit the outputs of `# NBVAL_CHECK_OUTPUT` cells.
    path = tmp_path / "07_demo.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nb.cells[0].execution_count = 1
    nbformat.write(nb, path)
    assert publish.freshness_problem(path) is None


def test_freshness_problem_checks_its_argument(tmp_path):
    with pytest.raises(TypeError, match="path must be a str or os.PathLike; received path=None"):
        publish.freshness_problem(None)
    with pytest.raises(FileNotFoundError):
        publish.freshness_problem(tmp_path / "none.ipynb")


def test_the_stamp_is_plain_json(published):
    stamp = json.loads(published.read_text())["metadata"]["dlcourse"]["published"]
    assert stamp["code_sha256"] == publish.code_hash(nbformat.read(published, as_version=4))
    assert len(stamp["code_sha256"]) == 64
