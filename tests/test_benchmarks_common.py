"""The benchmarks' shared helpers: turn order, tables and saved figures (no timing is asserted)."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def common():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("_common", BENCHMARKS / "_common.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_interleaved_alternates_the_order_every_round(common):
    calls = []
    values = common.interleaved({name: (lambda name=name: calls.append(name) or len(calls)) for name in "ABC"}, 3)
    assert calls == list("ABCCBAABC")
    assert values == {"A": [1, 6, 7], "B": [2, 5, 8], "C": [3, 4, 9]}


def test_table_and_spread(common):
    assert common.table(("a", "b"), [(1, "x"), (2, "y")]).splitlines() == ["| a | b |", "|---|---|", "| 1 | x |", "| 2 | y |"]
    assert common.spread([3.0, 1.0, 2.0]) == "1-3"
    assert common.median([5, 1, 3]) == 3.0


def test_report_prints_and_saves(common, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(common, "ROOT", tmp_path)
    common.report("demo", "A title", ("x", "y"), [(1, 2)], notes=("a note",), extra={"raw": [1.5]})
    out = capsys.readouterr().out
    assert "## A title" in out and "| 1 | 2 |" in out and "a note" in out and "machine:" in out
    saved = json.loads((tmp_path / "build" / "benchmarks" / "demo.json").read_text())
    assert saved["rows"] == [["1", "2"]] and saved["extra"] == {"raw": [1.5]} and saved["machine"]


def test_every_benchmark_script_has_a_smoke_option():
    scripts = sorted(p.name for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))
    assert scripts == ["course.py", "epoch_cost.py", "fast_route_any_backend.py", "helper_overhead.py", "input_pipeline.py",
                       "kfold_tuning.py",
                       "memory_growth.py", "small_data_kfold.py", "time_to_accuracy.py", "transfer_extraction.py"]
    for name in scripts:
        text = (BENCHMARKS / name).read_text()
        assert text.startswith('"""') and "python benchmarks/" in text  # documented with its command
        if name != "course.py":
            assert "args.smoke" in text
