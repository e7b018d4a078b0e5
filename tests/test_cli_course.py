"""Tests of `python -m dlcourse run | results` (the headless runner itself: tests/test_runner.py)."""

import nbformat

from dlcourse import cli, results


def _checkout(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "dlcourse").mkdir()
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "notebooks" / "00_demo.ipynb")


def test_run_help_and_usage_errors(tmp_path, monkeypatch, capsys):
    _checkout(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "build/run/<mode>/" in out and "--quiet" in out and "--publish" in out
    assert cli.main(["run", "42"]) == 2
    assert "notebook '42' not found; available notebooks: 00_demo" in capsys.readouterr().err
    assert cli.main(["run", "--timeout", "0"]) == 2
    assert "timeout must be >= 1; received timeout=0" in capsys.readouterr().err
    assert cli.main(["run", "--bogus"]) == 2
    assert cli.main(["run", "--publish", "00"]) == 2
    assert "--publish needs --full (published notebooks show full-mode outputs)" in capsys.readouterr().err


def test_run_outside_a_checkout_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run"]) == 2
    assert "no notebooks/ folder found" in capsys.readouterr().err


def test_run_executes_quietly_with_exit_code(tmp_path, monkeypatch, capsys):
    _checkout(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "00", "--no-html", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert (tmp_path / "build" / "run" / "quick" / "00_demo.ipynb").exists()
    assert not (tmp_path / "build" / "run" / "quick" / "00_demo.html").exists()
    _, timings = results.load_results("quick")
    assert timings["00_demo"]["ok"] is True


def test_results_command(tmp_path, monkeypatch, capsys):
    _checkout(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["results"]) == 1
    assert "nothing recorded" in capsys.readouterr().out
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    results.record_result("01_imdb", "test accuracy", 0.88, reference="about 88%", unit="%")
    assert cli.main(["results"]) == 0
    text = (tmp_path / "RESULTS.md").read_text()
    assert "| 01_imdb | test accuracy | 88.0% | about 88% |" in text
    assert "| 00_demo | (not run in full mode yet) |" in text
    assert cli.main(["results", "--mode", "quick", "--output", str(tmp_path / "q.md")]) == 1


def test_run_full_publish_writes_the_notebook_and_results_md(tmp_path, monkeypatch, capsys):
    _checkout(tmp_path)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('broken')")])
    nbformat.write(nb, tmp_path / "notebooks" / "01_bad.ipynb")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "--full", "--publish", "00", "--no-html"]) == 0
    out = capsys.readouterr().out
    assert f"published 1 notebook(s); {tmp_path / 'RESULTS.md'} regenerated from the full-mode records" in out
    stamp = nbformat.read(tmp_path / "notebooks" / "00_demo.ipynb", as_version=4).metadata["dlcourse"]["published"]
    assert stamp["command"] == "python -m dlcourse run --full --publish 00"
    results_md = (tmp_path / "RESULTS.md").read_text()
    assert "| 00_demo | (no metric recorded) |" in results_md and "| 01_bad | (not run in full mode yet) |" in results_md
    # one failure: the others are published, RESULTS.md is left as it was
    assert cli.main(["run", "--full", "--publish", "--no-html", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "dlcourse run: 01_bad FAILED: " in err and "RuntimeError" in err and ": broken" in err
    assert "RESULTS.md not regenerated: 1 notebook(s) failed and were not published" in err
    assert (tmp_path / "RESULTS.md").read_text() == results_md
