"""Tests of dlcourse.tuning.distributed: the local launcher of keras-tuner's distributed mode.

Most tests run a plain Python script (no TensorFlow) as chief and workers, to check the
environment, the collected output, the time limit and that every process is ended. One test
runs a real keras-tuner search as a chief and two workers over gRPC on 127.0.0.1.
"""

import json
import os
import sys
import textwrap

import keras_tuner
import numpy as np
import pytest

from dlcourse import DenseHyperModel, trials_dataframe
from dlcourse.tuning.distributed import DistributedRun, log_trials, run_distributed_search, trials_by_tuner

# A stand-in for a search script: prints its role and pid; the chief and the workers behave as
# told on the command line: "exit:<status>", "sleep" (forever) or "ok".
FAKE = """
import os, sys, time
role = os.environ["KERASTUNER_TUNER_ID"]
print(json.dumps({"role": role, "ip": os.environ["KERASTUNER_ORACLE_IP"], "port": os.environ["KERASTUNER_ORACLE_PORT"],
                  "pid": os.getpid(), "extra": os.environ.get("EXTRA"), "args": sys.argv[1:]}), flush=True)
action = sys.argv[1] if role == "chief" else sys.argv[2]
if action == "sleep":
    time.sleep(600)
if action.startswith("exit:"):
    sys.exit(int(action[5:]))
"""


@pytest.fixture
def fake_script(tmp_path):
    path = tmp_path / "fake_search.py"
    path.write_text("import json\n" + FAKE)
    return path


def _record(outcome):
    return json.loads(outcome.output.strip().splitlines()[0])


def _assert_ended(run):
    for outcome in run.processes.values():
        assert outcome.returncode is not None
        with pytest.raises(ProcessLookupError):
            os.kill(_record(outcome)["pid"], 0)


# --- the launcher ------------------------------------------------------------------------------


def test_chief_and_workers_get_their_roles_and_the_same_oracle(fake_script, tmp_path):
    run = run_distributed_search(fake_script, num_workers=2, args=["ok", "ok", tmp_path], env={"EXTRA": "x"},
                                 timeout=60, chief_grace=10, log_dir=tmp_path / "logs")
    assert isinstance(run, DistributedRun) and run.ok and not run.timed_out
    assert list(run.processes) == ["chief", "tuner0", "tuner1"]
    records = {tuner_id: _record(outcome) for tuner_id, outcome in run.processes.items()}
    assert {r["role"] for r in records.values()} == {"chief", "tuner0", "tuner1"}
    assert {(r["ip"], r["port"]) for r in records.values()} == {("127.0.0.1", str(run.port))}
    assert all(r["extra"] == "x" and r["args"] == ["ok", "ok", str(tmp_path)] for r in records.values())
    assert not any(o.stopped for o in run.processes.values())
    assert [o.role for o in run.processes.values()] == ["chief", "worker", "worker"]
    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == ["chief.log", "tuner0.log", "tuner1.log"]
    summary = run.summary()
    assert list(summary.columns) == ["tuner_id", "role", "returncode", "seconds", "stopped"]
    assert summary["returncode"].tolist() == [0, 0, 0]
    assert run.check() is run
    _assert_ended(run)


def test_the_ipv6_loopback_and_a_given_port(fake_script):
    run = run_distributed_search(fake_script, num_workers=1, args=["ok", "ok"], host="::1", port=8123, timeout=60)
    assert run.ok and (run.host, run.port) == ("::1", 8123)
    assert {(r["ip"], r["port"]) for r in map(_record, run.processes.values())} == {("::1", "8123")}


def test_a_chief_still_waiting_after_the_workers_is_stopped_and_the_run_succeeds(fake_script):
    run = run_distributed_search(fake_script, num_workers=1, args=["sleep", "ok"], timeout=60, chief_grace=0.5)
    assert run.ok and run.chief.stopped and run.chief.returncode != 0
    assert not run.workers[0].stopped
    _assert_ended(run)


def test_time_limit_stops_every_process(fake_script):
    run = run_distributed_search(fake_script, num_workers=2, args=["sleep", "sleep"], timeout=3, chief_grace=0)
    assert run.timed_out and not run.ok
    assert all(o.stopped for o in run.processes.values())
    assert run.seconds < 30
    assert "time limit" in run.problems()[0]
    with pytest.raises(RuntimeError, match="reached its time limit"):
        run.check()
    _assert_ended(run)


def test_a_failed_worker_is_reported_with_its_output(fake_script):
    run = run_distributed_search(fake_script, num_workers=2, args=["ok", "exit:3"], timeout=60, chief_grace=5)
    assert not run.ok
    assert run.problems() == ["worker tuner0 exited with status 3", "worker tuner1 exited with status 3"]
    with pytest.raises(RuntimeError, match=r"(?s)worker tuner0 exited with status 3.*--- tuner0 \(status 3\) ---"):
        run.check()


def test_workers_are_stopped_when_the_chief_dies(fake_script):
    run = run_distributed_search(fake_script, num_workers=1, args=["exit:1", "sleep"], timeout=60, chief_grace=0.5)
    assert not run.timed_out and run.workers[0].stopped
    assert run.problems() == ["worker tuner0 was stopped", "the chief exited with status 1"]
    _assert_ended(run)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"script": 3}, TypeError, "script must be the path of a Python file"),
        ({"script": "missing.py"}, ValueError, "does not exist"),
        ({"num_workers": 0}, ValueError, "num_workers must be >= 1"),
        ({"args": "ok"}, TypeError, "args must be a list"),
        ({"args": [True]}, TypeError, "args must hold strings, paths or numbers"),
        ({"host": "0.0.0.0"}, ValueError, "host must be a loopback address"),
        ({"host": "10.0.0.1"}, ValueError, "host must be a loopback address"),
        ({"host": "example.com"}, ValueError, "host must be a loopback address"),
        ({"host": 127}, TypeError, "host must be a str"),
        ({"port": 70000}, ValueError, "port must be <= 65535"),
        ({"port": 0}, ValueError, "port must be >= 1"),
        ({"timeout": 0}, ValueError, "timeout must be > 0"),
        ({"chief_grace": -1}, ValueError, "chief_grace must be >= 0"),
        ({"env": {"KERASTUNER_TUNER_ID": "chief"}}, ValueError, "env must not set KERASTUNER_TUNER_ID"),
        ({"env": {"A": 1}}, TypeError, "env must be None or a dict of str to str"),
        ({"python": 3}, TypeError, "python must be None or the path"),
        ({"cwd": 3}, TypeError, "cwd must be None or a folder"),
        ({"log_dir": 3}, TypeError, "log_dir must be None or a folder"),
    ],
)
def test_launcher_validation(fake_script, kwargs, error, match):
    kwargs = {"script": fake_script, **kwargs}
    with pytest.raises(error, match=match):
        run_distributed_search(**kwargs)


# --- which tuner ran which trial ---------------------------------------------------------------


def _hypermodel():
    return DenseHyperModel((4,), "regression", num_layers=1, units=(2, 4), learning_rate=1e-2, dropout_rate=0.0)


def _xy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    return x, x.sum(axis=1).astype("float32")


def test_log_trials_records_the_trials_a_tuner_runs(tmp_path):
    tuner = keras_tuner.RandomSearch(_hypermodel(), objective="val_loss", max_trials=2, seed=1,
                                     directory=tmp_path, project_name="logged")
    path = log_trials(tuner)
    assert path.name == "dlcourse_trials_tuner0.jsonl"
    x, y = _xy()
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert trials_by_tuner(tmp_path / "logged") == {"tuner0": ["0", "1"]}
    first = json.loads(path.read_text().splitlines()[0])
    assert first["pid"] == os.getpid() and set(first["hyperparameters"]) == {"units"}


def test_trials_by_tuner_and_log_trials_validation(tmp_path):
    assert trials_by_tuner(tmp_path) == {}
    with pytest.raises(ValueError, match="project_dir must be an existing folder"):
        trials_by_tuner(tmp_path / "missing")
    with pytest.raises(TypeError, match="project_dir must be a folder"):
        trials_by_tuner(3)
    with pytest.raises(TypeError, match="tuner must be a keras-tuner tuner"):
        log_trials(object())


# --- the real thing: keras-tuner's chief and workers over gRPC on 127.0.0.1 ---------------------

SEARCH = """
import sys
import numpy as np
import keras_tuner
from dlcourse import DenseHyperModel
from dlcourse.tuning.distributed import log_trials

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 4)).astype("float32")
y = x.sum(axis=1).astype("float32")
hypermodel = DenseHyperModel((4,), "regression", num_layers=1, units=(2, 4, 8), learning_rate=1e-2, dropout_rate=0.0)
tuner = keras_tuner.RandomSearch(hypermodel, objective="val_loss", max_trials=3, seed=1,
                                 directory=sys.argv[1], project_name="distributed", overwrite=False)
log_trials(tuner)
tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
"""


def test_keras_tuner_distributed_search_with_a_chief_and_two_workers(tmp_path):
    script = tmp_path / "search.py"
    script.write_text(textwrap.dedent(SEARCH))
    run = run_distributed_search(script, num_workers=2, args=[tmp_path], timeout=540, chief_grace=25,
                                 env={"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}, python=sys.executable)
    run.check()
    ran = trials_by_tuner(tmp_path / "distributed")
    assert set(ran) <= {"tuner0", "tuner1"}  # only workers train; the chief serves the oracle
    all_ran = sorted(t for trials in ran.values() for t in trials)
    assert all_ran == ["0", "1", "2"]  # each trial ran once, on one worker
    # the chief's oracle saved every trial in the shared project folder: reload it here
    tuner = keras_tuner.RandomSearch(DenseHyperModel((4,), "regression", num_layers=1, units=(2, 4, 8),
                                                     learning_rate=1e-2, dropout_rate=0.0),
                                     objective="val_loss", max_trials=3, seed=1, directory=tmp_path,
                                     project_name="distributed", overwrite=False)
    frame = trials_dataframe(tuner)
    assert sorted(frame["trial_id"]) == all_ran
    assert (frame["status"] == "COMPLETED").all() and frame["score"].notna().all()
