"""keras-tuner's distributed mode on one machine: a chief and N workers as local processes.

keras-tuner spreads a search over processes that run the same script, told apart by three
environment variables: ``KERASTUNER_TUNER_ID`` (``"chief"`` for the process that serves the
oracle, ``"tuner0"``, ``"tuner1"``, ... for the workers that train the trials) and
``KERASTUNER_ORACLE_IP``/``KERASTUNER_ORACLE_PORT`` (where the chief's gRPC oracle listens). All
share the project folder. :func:`run_distributed_search` starts them on the loopback address;
:func:`log_trials` and :func:`trials_by_tuner` tell which worker ran which trial.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import numbers
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import keras_tuner
import pandas as pd

from dlcourse.validation import check_float, check_int, describe

__all__ = ["DistributedRun", "log_trials", "run_distributed_search", "trials_by_tuner"]

# keras-tuner reads these three variables (its documented distributed mode); the chief's id must contain "chief".
_TUNER_ID, _ORACLE_IP, _ORACLE_PORT, _CHIEF = "KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT", "chief"
_TRIAL_LOG_PREFIX = "dlcourse_trials_"
_STOP_WAIT = 5.0  # seconds between SIGTERM and SIGKILL

def _check_loopback(host) -> str:
    if not isinstance(host, str):
        raise TypeError(f"host must be a str such as '127.0.0.1'; received host={describe(host)}")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            "host must be a loopback address such as '127.0.0.1': this launcher starts every process on this "
            "machine, and the oracle's gRPC server has no authentication, so it should not listen on a network. "
            f"To spread a search over machines, set the KERASTUNER_* variables on each host; received host={host!r}"
        )
    return host


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class _Process:
    """How one process ended (``returncode`` negative: a signal; ``stopped``: by the launcher)."""

    tuner_id: str
    returncode: int | None
    seconds: float
    stopped: bool
    output: str = field(repr=False)

    @property
    def role(self) -> str:
        return "chief" if self.tuner_id == _CHIEF else "worker"


@dataclass(frozen=True)
class DistributedRun:
    """The outcome of :func:`run_distributed_search`.

    Attributes:
        host, port: the chief oracle's address.
        seconds: the wall time from the first start to the last process's end.
        timed_out: whether the time limit ended the run.
        processes: per tuner id, the chief first: ``tuner_id``, ``role``, ``returncode``,
            ``seconds``, ``stopped`` (whether the launcher ended it) and ``output``.
    """

    host: str
    port: int
    seconds: float
    timed_out: bool
    processes: dict

    @property
    def chief(self) -> _Process:
        return self.processes[_CHIEF]

    @property
    def workers(self) -> list:
        return [outcome for tuner_id, outcome in self.processes.items() if tuner_id != _CHIEF]

    def problems(self) -> list[str]:
        """Returns what went wrong, one line each; empty when no time-out, every worker exited 0
        and the chief exited 0 or was stopped after them (it polls only every 20 seconds)."""
        found = [f"the run reached its time limit after {self.seconds:.0f} s"] if self.timed_out else []
        for outcome in self.workers:
            if outcome.returncode != 0:
                how = "was stopped" if outcome.stopped else f"exited with status {outcome.returncode}"
                found.append(f"worker {outcome.tuner_id} {how}")
        if not self.chief.stopped and self.chief.returncode != 0:
            found.append(f"the chief exited with status {self.chief.returncode}")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems()

    def check(self) -> DistributedRun:
        """Returns the run if it succeeded; otherwise raises ``RuntimeError`` naming each problem,
        with the last 20 lines of output of each process that failed."""
        problems = self.problems()
        if not problems:
            return self
        tails = [f"--- {o.tuner_id} (status {o.returncode}) ---\n" + "\n".join(o.output.rstrip().splitlines()[-20:])
                 for o in self.processes.values() if o.returncode != 0]
        raise RuntimeError("the distributed search failed: " + "; ".join(problems) + "\n" + "\n".join(tails))

    def summary(self) -> pd.DataFrame:
        """Returns one row per process: ``tuner_id``, ``role``, ``returncode``, ``seconds``, ``stopped``."""
        return pd.DataFrame(
            [(o.tuner_id, o.role, o.returncode, round(o.seconds, 1), o.stopped) for o in self.processes.values()],
            columns=["tuner_id", "role", "returncode", "seconds", "stopped"],
        )


def _check_args(args) -> list[str]:
    if isinstance(args, (str, bytes)) or not isinstance(args, (list, tuple)):
        raise TypeError(f"args must be a list of command-line arguments; received args={describe(args)}")
    for arg in args:
        if isinstance(arg, bool) or not isinstance(arg, (str, os.PathLike, numbers.Number)):
            raise TypeError(f"args must hold strings, paths or numbers; received the argument {describe(arg)}")
    return [os.fspath(arg) if isinstance(arg, os.PathLike) else str(arg) for arg in args]


def _check_env(env) -> dict[str, str]:
    if env is None:
        return {}
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise TypeError(f"env must be None or a dict of str to str; received env={describe(env)}")
    reserved = sorted(set(env) & {_TUNER_ID, _ORACLE_IP, _ORACLE_PORT})
    if reserved:
        raise ValueError(f"env must not set {', '.join(reserved)}: the launcher sets them for each process")
    return dict(env)


def _check_path(name, value, what, *, optional=True):
    if (value is None and optional) or isinstance(value, (str, os.PathLike)):
        return value
    raise TypeError(f"{name} must be {'None or ' if optional else ''}{what}; received {name}={describe(value)}")


def _stop(process: subprocess.Popen) -> None:
    """Ends ``process`` and anything it started (it leads its own group): SIGTERM, then SIGKILL."""
    for sig in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.name == "posix":
                os.killpg(process.pid, sig)
            else:
                process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(_STOP_WAIT)
    process.wait()


def run_distributed_search(script, *, num_workers=2, args=(), host="127.0.0.1", port=None, timeout=600.0,
                           chief_grace=30.0, env=None, python=None, cwd=None, log_dir=None) -> DistributedRun:
    """Runs a keras-tuner search script as one chief and ``num_workers`` workers on this machine.

    Each process runs ``python script *args`` with this environment, ``env`` and keras-tuner's
    three variables. Once every worker has ended, the chief gets ``chief_grace`` seconds to end
    by itself before it is stopped; a worker is stopped when the chief has been gone for
    ``chief_grace`` seconds, and everything when the run exceeds ``timeout``. Every process
    started here is ended before the function returns, also on an error or Ctrl-C. The script
    should build the same tuner in every process, with ``overwrite=False``.

    Args:
        script: the path of the search script.
        num_workers: the number of workers, >= 1.
        args: command-line arguments for the script (strings, paths or numbers).
        host: the chief oracle's address, a loopback address.
        port: the chief oracle's port (``None``: a free port picked now).
        timeout: the time limit of the whole run, in seconds (> 0).
        chief_grace: seconds to wait for the chief once the workers have ended (>= 0).
        env: ``None`` or further environment variables (not the ``KERASTUNER_*`` ones).
        python: the Python executable (``None``: this one).
        cwd: the processes' working folder (``None``: the current one).
        log_dir: ``None``, or a folder that keeps each process's output as ``<tuner_id>.log``.

    Returns:
        A :class:`DistributedRun`; its ``check()`` raises on a failure.

    Raises:
        TypeError, ValueError: if an argument is wrong (a missing script, a non-loopback host).

    Example:

    >>> import pathlib, sys, tempfile
    >>> from dlcourse.tuning.distributed import run_distributed_search
    >>> script = pathlib.Path(tempfile.mkdtemp()) / "search.py"
    >>> _ = script.write_text("import os; print(os.environ['KERASTUNER_TUNER_ID'])")
    >>> run = run_distributed_search(script, num_workers=2, timeout=60)
    >>> run.check().summary()[["tuner_id", "role", "returncode"]].values.tolist()
    [['chief', 'chief', 0], ['tuner0', 'worker', 0], ['tuner1', 'worker', 0]]
    """
    script = Path(_check_path("script", script, "the path of a Python file", optional=False))
    if not script.is_file():
        raise ValueError(f"script must be an existing Python file; received script={str(script)!r}, which does not exist")
    num_workers = check_int("num_workers", num_workers, minimum=1)
    args = _check_args(args)
    host = _check_loopback(host)
    port = _free_port(host) if port is None else check_int("port", port, minimum=1, maximum=65535)
    timeout = check_float("timeout", timeout, minimum=0.0, min_inclusive=False)
    chief_grace = check_float("chief_grace", chief_grace, minimum=0.0)
    extra_env = _check_env(env)
    python = _check_path("python", python, "the path of a Python executable")
    cwd = _check_path("cwd", cwd, "a folder")
    log_dir = _check_path("log_dir", log_dir, "a folder")
    command = [os.fspath(python or sys.executable), os.fspath(script.resolve()), *args]
    ids = [_CHIEF, *(f"tuner{i}" for i in range(num_workers))]

    with tempfile.TemporaryDirectory(prefix="dlcourse-distributed-") as scratch:
        logs = Path(log_dir) if log_dir is not None else Path(scratch)
        logs.mkdir(parents=True, exist_ok=True)
        processes, files, started, ended, stopped = {}, {}, {}, {}, set()
        timed_out = False
        start = time.monotonic()
        try:
            for tuner_id in ids:
                process_env = {**os.environ, **extra_env, "PYTHONUNBUFFERED": "1",
                               _TUNER_ID: tuner_id, _ORACLE_IP: host, _ORACLE_PORT: str(port)}
                files[tuner_id] = (logs / f"{tuner_id}.log").open("w")
                started[tuner_id] = time.monotonic()
                processes[tuner_id] = subprocess.Popen(
                    command, env=process_env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=files[tuner_id],
                    stderr=subprocess.STDOUT, start_new_session=os.name == "posix",
                )
            deadline = start + timeout
            while True:
                now = time.monotonic()
                for tuner_id, process in processes.items():
                    if tuner_id not in ended and process.poll() is not None:
                        ended[tuner_id] = now
                if all(w in ended for w in ids[1:]):
                    break
                if _CHIEF in ended and now - ended[_CHIEF] > chief_grace:
                    break  # the chief is gone: the workers left would wait for it in vain
                if now >= deadline:
                    timed_out = True
                    break
                time.sleep(0.1)
            if not timed_out and _CHIEF not in ended:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    processes[_CHIEF].wait(max(0.0, min(chief_grace, deadline - time.monotonic())))
        finally:
            for tuner_id, process in processes.items():
                if process.poll() is None:
                    stopped.add(tuner_id)
                    _stop(process)
                ended.setdefault(tuner_id, time.monotonic())
            for handle in files.values():
                handle.close()
        outcomes = {
            tuner_id: _Process(tuner_id, processes[tuner_id].returncode, ended[tuner_id] - started[tuner_id],
                               tuner_id in stopped, (logs / f"{tuner_id}.log").read_text(errors="replace"))
            for tuner_id in ids
        }
    seconds = max(ended.values()) - start if ended else 0.0
    return DistributedRun(host=host, port=port, seconds=seconds, timed_out=timed_out, processes=outcomes)


def log_trials(tuner) -> Path:
    """Makes ``tuner`` note every trial it starts in ``<project_dir>/dlcourse_trials_<tuner_id>.jsonl``.

    Call it in the search script, before ``tuner.search()``: one line per trial with
    ``tuner_id``, ``trial_id``, the hyperparameter values, the process id and the time.

    Args:
        tuner: a keras-tuner tuner (``RandomSearch``, :class:`CVTuner`, ...).

    Returns:
        The path of the file the tuner appends to.

    Raises:
        TypeError: if ``tuner`` is not a keras-tuner tuner.
    """
    if not isinstance(tuner, keras_tuner.engine.base_tuner.BaseTuner):
        raise TypeError(
            f"tuner must be a keras-tuner tuner such as keras_tuner.RandomSearch; received tuner={describe(tuner)}"
        )
    path = Path(tuner.project_dir) / f"{_TRIAL_LOG_PREFIX}{tuner.tuner_id}.jsonl"
    begin = tuner.on_trial_begin

    def on_trial_begin(trial):
        record = {"tuner_id": str(tuner.tuner_id), "trial_id": str(trial.trial_id),
                  "hyperparameters": trial.hyperparameters.values, "pid": os.getpid(), "time": time.time()}
        with path.open("a") as handle:  # one short line per append: a reader sees whole lines
            handle.write(json.dumps(record, default=str) + "\n")
        return begin(trial)

    tuner.on_trial_begin = on_trial_begin
    return path


def trials_by_tuner(project_dir) -> dict[str, list[str]]:
    """Returns which trials each tuner ran, from the notes of :func:`log_trials`.

    Args:
        project_dir: the search's project folder (``directory/project_name``).

    Returns:
        ``{tuner_id: [trial_id, ...]}``, ids sorted, each tuner's trials in the order it started them.

    Raises:
        TypeError: if ``project_dir`` is not a path.
        ValueError: if the folder does not exist.
    """
    folder = Path(_check_path("project_dir", project_dir, "a folder", optional=False))
    if not folder.is_dir():
        raise ValueError(f"project_dir must be an existing folder; received project_dir={str(folder)!r}")
    found = {}
    for path in sorted(folder.glob(f"{_TRIAL_LOG_PREFIX}*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                found.setdefault(record["tuner_id"], []).append(record["trial_id"])
    return dict(sorted(found.items()))
