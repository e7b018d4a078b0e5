"""Tests of publishing executed notebooks: normalization, the stamp, and a real run published twice."""

import base64
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from dlcourse import publish, runner

ROOT = Path(__file__).resolve().parents[1]
CHECKED = "# NBVAL_CHECK_OUTPUT\nprint('same in both modes')"


def _source_notebook(path, code):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 00 · Demo")])
    nb.cells += [nbformat.v4.new_code_cell(source) for source in code]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    nb.cells[1].metadata["tags"] = ["keep-me"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return nb


def _stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def _executed(source):
    """What nbclient leaves: counts, timings in the cell metadata, kernel metadata, widget state."""
    nb = nbformat.from_dict(json.loads(nbformat.writes(source)))
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.9", "mimetype": "text/x-python"}
    nb.metadata["kernelspec"]["display_name"] = "my env"
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {}}}}
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.metadata["execution"] = {"iopub.execute_input": "2020-01-01T00:00:00.000Z"}
    return nb


def test_code_hash_checks_its_argument():
    with pytest.raises(TypeError, match="notebook must be a notebook read by nbformat .*received notebook='x'"):
        publish.code_hash("x")


def test_kernel_arguments_ask_for_png_at_the_figure_dpi():
    assert publish.FIGURE_DPI == 90
    assert "--InlineBackend.figure_formats={'png'}" in publish.KERNEL_ARGUMENTS
    assert any(f"'dpi': {publish.FIGURE_DPI}" in argument for argument in publish.KERNEL_ARGUMENTS)


def test_publish_normalizes_and_stamps(tmp_path):
    path = tmp_path / "00_demo.ipynb"
    source = _source_notebook(path, ["print('log')", "fig", CHECKED, "1 + 1"])
    executed = _executed(source)
    log = "".join(f"Epoch {i}/60\n" for i in range(1, 61))
    progress = "10%\b\b\b\r50%\r100%\n"
    tf_log = ("2026-12-04 18:00:00.123456: W tensorflow/core/framework/x.cc:1] noisy\n"
              "I0000 00:00:1796408572.205907    1515 port.cc:153] oneDNN custom operations are on.\n"
              "E0000 00:00:1796408599.693108    1515 cuda_platform.cc:52] failed call to cuInit\n")
    png = base64.b64encode(b"\x89PNG fake").decode()
    executed.cells[1].outputs = [_stream("first "), _stream("chunk\n" + progress), _stream(tf_log, "stderr"),
                                 _stream(log)]
    executed.cells[2].outputs = [
        _stream("before\n"),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        _stream("after\n"),
        nbformat.v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                                     "text/plain": "  0%|  | 0/3"}),
    ]
    executed.cells[3].outputs = [_stream("same in both"), _stream(" modes  \n")]
    table = "".join(f"row {i}\n" for i in range(100))  # not a training log: kept up to 150 lines
    executed.cells[4].outputs = [_stream(table),
                                 nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=4)]

    assert publish.publish_notebook(executed, path) == path
    text = path.read_text()
    assert text.endswith("}\n") and "2020-01-01T00:00:00" not in text and "widget" not in text
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert [c.id for c in nb.cells] == [f"cell-{i:03d}" for i in range(5)]
    assert nb.cells[1].metadata == {"tags": ["keep-me"]}  # the source's cell metadata, no timings
    assert nb.metadata["kernelspec"] == {"display_name": "Python 3", "language": "python", "name": "python3"}
    assert nb.metadata["language_info"] == {"name": "python"} and "widgets" not in nb.metadata
    assert [c.execution_count for c in nb.cells[1:]] == [1, 2, 3, 4]
    # adjacent chunks merged, progress bars as a terminal shows them, TensorFlow's log lines dropped,
    # a long log cut to its first 10 and last 20 lines
    (first, second) = nb.cells[1].outputs
    assert first.text == "first chunk\n100%\n" and second.text.startswith("Epoch 1/60\n")
    lines = second.text.splitlines()
    assert len(lines) == 31 and lines[9] == "Epoch 10/60" and lines[-1] == "Epoch 60/60"
    assert lines[10] == "[... 30 more lines, not kept in the published notebook: run it to see them all ...]"
    # text printed after a figure stays after it; the live widget is gone
    assert [o.get("text") or o.data["image/png"] for o in nb.cells[2].outputs] == ["before\n", png, "after\n"]
    assert nb.cells[4].outputs[0].text == table and nb.cells[4].outputs[1].data["text/plain"] == "2"
    # a checked cell keeps its output exactly, merged per stream as nbval compares it
    assert [o.text for o in nb.cells[3].outputs] == ["same in both modes  \n"]
    stamp = nb.metadata["dlcourse"]["published"]
    assert set(stamp) == {"mode", "date", "machine", "versions", "code_sha256", "command"}
    assert stamp["mode"] == "full" and stamp["date"].endswith("+00:00")
    assert stamp["code_sha256"] == publish.code_hash(source) and stamp["command"] == "python -m dlcourse run --full --publish 00"
    assert stamp["machine"]["cores"] >= 1 and stamp["machine"]["cpu"] and "gpu" in stamp["machine"]
    assert set(stamp["versions"]) == {"python", "dlcourse", "keras", "tensorflow", "numpy", "matplotlib"}
    assert stamp["versions"]["keras"].startswith("3.") and stamp["versions"]["dlcourse"] == "0.1.0"
    assert publish.freshness_problem(path) is None


def test_publish_refuses_a_notebook_edited_while_it_ran(tmp_path):
    path = tmp_path / "03_demo.ipynb"
    executed = _executed(_source_notebook(path, ["x = 1"]))
    _source_notebook(path, ["x = 2"])
    before = path.read_text()
    with pytest.raises(ValueError, match=r"executed does not hold the cells of .*03_demo.ipynb: the notebook changed "
                                         r"while it ran; nothing published \(run `python -m dlcourse run --full --publish 03` again\)"):
        publish.publish_notebook(executed, path)
    assert path.read_text() == before


def test_publish_checks_its_arguments(tmp_path):
    path = tmp_path / "00_demo.ipynb"
    executed = _executed(_source_notebook(path, ["x = 1"]))
    with pytest.raises(TypeError, match="executed must be a notebook read by nbformat; received executed=None"):
        publish.publish_notebook(None, path)
    with pytest.raises(TypeError, match="path must be a str or os.PathLike; received path=3"):
        publish.publish_notebook(executed, 3)
    with pytest.raises(FileNotFoundError):
        publish.publish_notebook(executed, tmp_path / "none.ipynb")


def _png_info(data: str) -> tuple[int, int, float]:
    """Width and height in pixels, and the resolution in dots per inch (the pHYs chunk)."""
    png = base64.b64decode(data)
    width, height = struct.unpack(">II", png[16:24])
    at = png.index(b"pHYs")
    per_metre = struct.unpack(">I", png[at + 4:at + 8])[0]
    return width, height, per_metre * 0.0254


def test_a_real_run_published_twice_differs_only_in_the_date(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "dlcourse").mkdir()
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / "00_demo.ipynb"
    _source_notebook(path, [
        "import os, sys\nprint('mode', 'quick' if os.environ['DLCOURSE_QUICK'] == '1' else 'full')",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 3, 2])\nax.set_title('a figure')\nplt.show()",
        "for i in range(100):\n    print(f'Epoch {i + 1}/100')",
        "for i in range(5):\n    sys.stdout.write(f'\\rstep {i}/5'); sys.stdout.flush()\nprint()",
        CHECKED,
    ])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as `make test` sets it
    (report,) = runner.run_notebooks(["00"], full=True, publish=True, html=False, verbose=0)
    assert report.ok and report.published == path
    first = path.read_text()
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[1].outputs[0].text == "mode full\n"
    (figure,) = [o for o in nb.cells[2].outputs if "image/png" in o.get("data", {})]
    width, height, dpi = _png_info(figure.data["image/png"])
    assert dpi == pytest.approx(publish.FIGURE_DPI, abs=0.5)  # not matplotlib's 100
    assert 0.7 * 6.4 * dpi < width <= 6.4 * dpi and 0.7 * 4.8 * dpi < height <= 4.8 * dpi
    assert len(nb.cells[3].outputs[0].text.splitlines()) == 31
    assert nb.cells[4].outputs[0].text == "step 4/5\n"
    assert publish.freshness_problem(path) is None

    (again,) = runner.run_notebooks(["00"], full=True, publish=True, html=False, verbose=0)
    assert again.ok
    second = path.read_text()
    date = nbformat.read(path, as_version=4).metadata["dlcourse"]["published"]["date"]
    old_date = nb.metadata["dlcourse"]["published"]["date"]
    assert second.replace(date, "DATE") == first.replace(old_date, "DATE")

    # CI runs it in quick mode with --nbval-lax: the unmarked cells print other things (the mode), the
    # marked one the same, and the notebook passes; a marked cell whose output depends on the mode fails.
    env = dict(os.environ, DLCOURSE_QUICK="1", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
               str(path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "# NBVAL_CHECK_OUTPUT\n" + nb.cells[1].source
    nbformat.write(nb, path)
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 1 and "mode full" in result.stdout and "1 failed, 4 passed" in result.stdout
