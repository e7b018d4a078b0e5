import json

import numpy as np
import pytest

from dlcourse import results


def test_record_result_writes_per_mode(monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    results.record_result("01_imdb", "test accuracy", np.float32(0.875), reference="about 88%", unit="%")
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    rec = results.record_result("01_imdb", "test accuracy", 0.8812, reference="about 88%", unit="%")
    assert rec["mode"] == "full" and rec["value"] == pytest.approx(0.8812)
    quick = json.loads((results.results_dir("quick") / "01_imdb.json").read_text())
    full = json.loads((results.results_dir("full") / "01_imdb.json").read_text())
    assert quick["metrics"]["test accuracy"]["value"] == pytest.approx(0.875)
    assert full["metrics"]["test accuracy"]["value"] == pytest.approx(0.8812)


def test_results_markdown_table(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCOURSE_QUICK", "0")
    results.record_result("03_boston", "test MAE", 2.61, reference="about 2.5 ($2,500)", unit="$")
    results.record_result("03_boston", "iterated K-fold MAE std", 0.12)
    results.record_timing("03_boston", 61.24, mode="full", ok=True, peak_memory_mb=812.4, cpu_seconds=90.06)
    _, timings = results.load_results("full")
    assert timings["03_boston"]["peak_memory_mb"] == 812 and timings["03_boston"]["cpu_seconds"] == 90.1
    assert timings["03_boston"]["load_average"] is None or timings["03_boston"]["load_average"] >= 0
    text = results.write_results_markdown(tmp_path / "RESULTS.md", mode="full", notebooks=["03_boston", "04_x"]).read_text()
    assert "| 04_x | (not run in full mode yet) |" in text
    assert not list(tmp_path.glob(".RESULTS.md.*"))  # the temporary file of the atomic write is gone
    assert "| 03_boston | test MAE | $2,610 | about 2.5 ($2,500) | 61 s |" in text
    assert "| 03_boston | iterated K-fold MAE std | 0.12 | - |  |" in text


@pytest.mark.parametrize("value, unit, text", [(0.8812, "%", "88.1%"), (2.61, "$", "$2,610"), (61706, "", "61,706"), (0.1234, "s", "0.1234 s"),
                                             (138357544, "", "138,357,544"), (2.6881e64, "", "2.69e+64")])
def test_values_are_formatted_in_the_table(value, unit, text, monkeypatch, tmp_path):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    results.record_result("05_x", "m", value, unit=unit)
    table = results.write_results_markdown(tmp_path / "q.md", mode="quick").read_text()
    assert f"| 05_x | m | {text} | - |" in table


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(notebook="imdb", metric="acc", value=1.0), ValueError, "notebook must look like '01_imdb'"),
    (dict(notebook="01_imdb", metric=" ", value=1.0), ValueError, "metric must be a non-empty string"),
    (dict(notebook="01_imdb", metric="acc", value="high"), TypeError, "value must be a real number; received value='high'"),
    (dict(notebook="01_imdb", metric="acc", value=float("nan")), ValueError, "value must be finite"),
])
def test_record_result_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        results.record_result(**kwargs)


def test_results_dir_rejects_unknown_mode():
    with pytest.raises(ValueError, match="mode must be one of 'quick', 'full'; received mode='fast'"):
        results.results_dir("fast")


def test_record_result_keeps_earlier_metrics_and_writes_atomically(monkeypatch):
    monkeypatch.setenv("DLCOURSE_QUICK", "1")
    results.record_result("01_imdb", "a", 1)
    results.record_result("01_imdb", "b", 2)
    results.record_timing("01_imdb", 3.0, mode="quick", ok=True)
    data = json.loads((results.results_dir("quick") / "01_imdb.json").read_text())
    assert list(data["metrics"]) == ["a", "b"] and data["timing"]["seconds"] == 3.0
    assert data["timing"]["machine"].endswith("GPU") or ", GPU: " in data["timing"]["machine"]
    assert [p.name for p in results.results_dir("quick").iterdir()] == ["01_imdb.json"]  # no temporary file left


def test_record_timing_does_not_import_tensorflow(tmp_path):
    # `python -m dlcourse run` records timings in the parent process, which must not start TensorFlow.
    import os
    import subprocess
    import sys

    code = ("import sys; from dlcourse import results; results.record_timing('01_x', 1.0, mode='quick', ok=True); "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    env = {**os.environ, "DLCOURSE_BUILD_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["False", "False"], out.stderr
