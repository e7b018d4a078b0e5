"""Tests of the headless runner: notebooks in fresh kernels, records, progress."""

import re

import nbformat
import pytest

from dlcourse import results, runner


def _checkout(tmp_path, cells):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "dlcourse").mkdir()
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    for name, source in cells.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in source])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, nb_dir / f"{name}.ipynb")
    return nb_dir


def test_find_notebooks(tmp_path, monkeypatch):
    _checkout(tmp_path, {"00_intro": ["1"], "01_imdb": ["1"], "02_reuters": ["1"]})
    monkeypatch.chdir(tmp_path)
    assert [p.stem for p in runner.find_notebooks()] == ["00_intro", "01_imdb", "02_reuters"]
    assert [p.stem for p in runner.find_notebooks(["02", "00_intro.ipynb"])] == ["00_intro", "02_reuters"]
    with pytest.raises(ValueError, match=r"notebook '07' not found; available notebooks: 00_intro, 01_imdb, 02_reuters"):
        runner.find_notebooks(["07"])


def test_find_notebooks_outside_a_checkout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="no notebooks/ folder found at"):
        runner.find_notebooks()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(timeout=0), ValueError, "timeout must be >= 1; received timeout=0"),
    (dict(verbose=2), ValueError, "verbose must be <= 1; received verbose=2"),
    (dict(verbose=True), TypeError, "verbose must be an int; received verbose=True"),
    (dict(publish=True), ValueError, "publish=True needs full=True: published notebooks show full-mode outputs; "
                                     "received full=False"),
    (dict(full=True, publish="yes"), TypeError, "publish must be a bool; received publish='yes'"),
    (dict(full=1), TypeError, "full must be a bool; received full=1"),
])
def test_run_notebooks_validation(tmp_path, monkeypatch, kwargs, error, match):
    _checkout(tmp_path, {"00_intro": ["1"]})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=match):
        runner.run_notebooks(**kwargs)
    assert not (tmp_path / "build" / "run").exists()  # nothing ran


def test_run_notebooks_quick_mode_records_and_reports(tmp_path, monkeypatch, capsys):
    _checkout(tmp_path, {
        "01_ok": ["import os\nassert os.environ['DLCOURSE_QUICK'] == '1'",
                  "import dlcourse.results as r\nr.record_result('01_ok', 'answer', 42)"],
        "02_bad": ["raise ValueError('boom')"],
    })
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLCOURSE_QUICK", "0")  # the runner, not the caller's environment, sets the mode
    reports = runner.run_notebooks(html=True)
    assert [(r.notebook, r.ok) for r in reports] == [("01_ok", True), ("02_bad", False)]
    assert "boom" in reports[1].error
    captured = capsys.readouterr()
    assert "[1/2] 01_ok ... ok (" in captured.out and "[2/2] 02_bad ... FAILED" in captured.out
    assert "1 of 2 notebooks ran" in captured.out and "failed: 02_bad" in captured.out
    assert "2/2" in captured.err and "notebook" in captured.err  # the tqdm bar
    executed = nbformat.read(reports[0].executed_path, as_version=4)
    assert executed.cells[1].execution_count == 2
    assert reports[0].executed_path.with_suffix(".html").exists()
    records, timings = results.load_results("quick")
    assert timings["01_ok"]["ok"] is True and timings["02_bad"]["ok"] is False
    # the kernel's CPU time is measured (it starts Python and imports a package: well above 0)
    assert 0 < reports[0].cpu_seconds and timings["01_ok"]["cpu_seconds"] == pytest.approx(reports[0].cpu_seconds, abs=0.1)
    assert reports[0].peak_memory_mb > 10
    assert records["01_ok"]["answer"]["value"] == 42 and "02_bad" not in records
    # the repository's notebook stays clean
    assert not nbformat.read(tmp_path / "notebooks" / "01_ok.ipynb", as_version=4).cells[0].get("outputs")


def test_run_notebooks_keeps_figures_and_verbose_0_prints_nothing(tmp_path, monkeypatch, capsys):
    _checkout(tmp_path, {"03_plot": ["import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])"]})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as `make test` sets it; the runner must still keep figures
    (plot,) = runner.run_notebooks(html=False, verbose=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""  # no bar, no lines
    outputs = nbformat.read(plot.executed_path, as_version=4).cells[0].outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert not plot.executed_path.with_suffix(".html").exists()


def test_publishing_writes_back_what_ran_and_keeps_what_failed(tmp_path, monkeypatch, capsys):
    nb_dir = _checkout(tmp_path, {
        "01_ok": ["import dlcourse.results as r\nr.record_result('01_ok', 'answer', 42)\nprint('hello')"],
        "02_bad": ["raise ValueError('boom')"],
    })
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    results.record_result("01_ok", "metric of an older run", 1)
    results.record_result("02_bad", "answer", 7)
    bad_records = (results.results_dir("full") / "02_bad.json").read_text()
    bad_notebook = (nb_dir / "02_bad.ipynb").read_text()
    ok, bad = runner.run_notebooks(full=True, publish=True, html=True)
    assert ok.ok and ok.published == nb_dir / "01_ok.ipynb" and not bad.ok and bad.published is None
    out = capsys.readouterr().out
    assert "publishing into notebooks/" in out, out
    assert re.search(r"\[1/2\] 01_ok \.\.\. ok, published \(\d KiB\) \(", out), out
    published = nbformat.read(ok.published, as_version=4)
    assert published.cells[0].outputs[0].text == "hello\n" and published.metadata["dlcourse"]["published"]["mode"] == "full"
    assert "hello" in ok.executed_path.with_suffix(".html").read_text()
    records, timings = results.load_results("full")
    assert list(records["01_ok"]) == ["answer"]  # this run's records alone
    # the failed notebook keeps its committed file and its earlier records
    assert (nb_dir / "02_bad.ipynb").read_text() == bad_notebook
    assert (results.results_dir("full") / "02_bad.json").read_text() == bad_records
