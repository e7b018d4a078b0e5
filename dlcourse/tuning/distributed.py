"""keras-tuner's distributed mode on one machine: a chief and N workers as local processes.

keras-tuner spreads a search over processes with three environment variables and nothing else:

* ``KERASTUNER_TUNER_ID``: ``"chief"`` for the process that runs the oracle, and a distinct id
  such as ``"tuner0"``, ``"tuner1"`` for each worker;
* ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``: where the chief's oracle listens
  (a gRPC server) and where the workers reach it.

Every process runs the *same* search script. In the chief, ``tuner.search()`` only serves the
oracle: it hands out hyperparameters and records results, and returns when the oracle has no
trial left and every worker has asked for one more. In a worker, ``tuner.search()`` asks the
chief for a trial, trains it, reports the score, and asks again. All processes share the project
folder (``directory/project_name``): the chief's oracle writes its state there, the workers their
checkpoints.

:func:`run_distributed_search` starts such a chief and workers on this machine (on the loopback
address only), waits for them within a time limit, stops every process it started, and returns
their exit codes and output. :func:`log_trials` makes a tuner note which trials it runs, and
:func:`trials_by_tuner` reads those notes back. Across machines, set the three variables by hand
on each host (see the course README).
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

import pandas as pd

from dlcourse._validation import _describe, check_float, check_int

TUNER_ID_ENV = "KERASTUNER_TUNER_ID"
"""The variable that gives a process its role: ``"chief"`` or a worker id such as ``"tuner0"``."""

ORACLE_IP_ENV = "KERASTUNER_ORACLE_IP"
"""The variable with the address of the chief's oracle."""

ORACLE_PORT_ENV = "KERASTUNER_ORACLE_PORT"
"""The variable with the port of the chief's oracle."""

CHIEF_ID = "chief"
"""The tuner id of the chief (keras-tuner checks that the id contains ``"chief"``)."""

TRIAL_LOG_PREFIX = "dlcourse_trials_"
"""The name prefix of the files :func:`log_trials` writes: ``dlcourse_trials_<tuner_id>.jsonl``."""

_STOP_WAIT = 5.0  # seconds between SIGTERM and SIGKILL


def worker_ids(num_workers: int) -> list[str]:
    """Returns the worker ids ``["tuner0", "tuner1", ...]`` of ``num_workers`` workers (>= 1)."""
    num_workers = check_int("num_workers", num_workers, minimum=1)
    return [f"tuner{i}" for i in range(num_workers)]


def check_loopback(host) -> str:
    """Checks that ``host`` is a loopback address (``127.0.0.1``, ``::1`` or ``localhost``)."""
    if not isinstance(host, str):
        raise TypeError(f"host must be a str such as '127.0.0.1'; received host={_describe(host)}")
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


def free_port(host: str = "127.0.0.1") -> int:
    """Returns a TCP port that is free on ``host`` now (the system picks it).

    Args:
        host: a loopback address.

    Returns:
        The port number.

    Raises:
        TypeError, ValueError: if ``host`` is not a loopback address.
    """
    host = check_loopback(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _check_port(port) -> int:
    return check_int("port", port, minimum=1, maximum=65535)


def distributed_env(tuner_id: str, *, port: int, host: str = "127.0.0.1") -> dict[str, str]:
    """Returns the three environment variables of one process of a distributed search.

    Args:
        tuner_id: ``"chief"`` or a worker id such as ``"tuner0"``.
        port: the chief oracle's port.
        host: the chief oracle's address (a loopback address: the processes run here).

    Returns:
        ``{"KERASTUNER_TUNER_ID": tuner_id, "KERASTUNER_ORACLE_IP": host,
        "KERASTUNER_ORACLE_PORT": str(port)}``.

    Raises:
        TypeError, ValueError: for an empty ``tuner_id``, a port outside 1-65535 or a host that is
            not a loopback address.

    Example:

    >>> distributed_env("tuner0", port=8000)["KERASTUNER_TUNER_ID"]
    'tuner0'
    """
    if not isinstance(tuner_id, str) or not tuner_id.strip():
        raise TypeError(f"tuner_id must be a non-empty str such as 'chief' or 'tuner0'; received {_describe(tuner_id)}")
    port = _check_port(port)
    host = check_loopback(host)
    return {TUNER_ID_ENV: tuner_id, ORACLE_IP_ENV: host, ORACLE_PORT_ENV: str(port)}


@dataclass(frozen=True)
class ProcessOutcome:
    """How one process of a distributed search ended.

    Attributes:
        tuner_id: ``"chief"`` or the worker's id.
        returncode: the exit status (negative: ended by that signal); ``None`` never happens
            after :func:`run_distributed_search` returns, since it stops every process.
        seconds: the time from its start to its end.
        stopped: whether the launcher ended it (time limit, or the chief still waiting after
            the workers had finished).
        output: its standard output and error, together.
    """

    tuner_id: str
    returncode: int | None
    seconds: float
    stopped: bool
    output: str = field(repr=False)

    @property
    def role(self) -> str:
        """``"chief"`` or ``"worker"``."""
        return "chief" if self.tuner_id == CHIEF_ID else "worker"

    def tail(self, lines: int = 20) -> str:
        """Returns the last ``lines`` lines of the output."""
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


@dataclass(frozen=True)
class DistributedRun:
    """The outcome of :func:`run_distributed_search`.

    Attributes:
        host: the chief oracle's address.
        port: the chief oracle's port.
        seconds: the wall time from the first start to the last process's end.
        timed_out: whether the time limit ended the run.
        processes: a :class:`ProcessOutcome` per tuner id, the chief first.
    """

    host: str
    port: int
    seconds: float
    timed_out: bool
    processes: dict

    @property
    def chief(self) -> ProcessOutcome:
        """The chief's outcome."""
        return self.processes[CHIEF_ID]

    @property
    def workers(self) -> list[ProcessOutcome]:
        """The workers' outcomes, in id order."""
        return [outcome for tuner_id, outcome in self.processes.items() if tuner_id != CHIEF_ID]

    def problems(self) -> list[str]:
        """Returns what went wrong, one line each (empty when the run succeeded).

        A run succeeded when it did not time out, every worker exited with status 0, and the
        chief exited with status 0 or was stopped after all workers had finished (keras-tuner's
        chief checks only every 20 seconds whether the last worker is gone).
        """
        found = []
        if self.timed_out:
            found.append(f"the run reached its time limit after {self.seconds:.0f} s")
        for outcome in self.workers:
            if outcome.returncode != 0:
                how = "was stopped" if outcome.stopped else f"exited with status {outcome.returncode}"
                found.append(f"worker {outcome.tuner_id} {how}")
        chief = self.chief
        if not chief.stopped and chief.returncode != 0:
            found.append(f"the chief exited with status {chief.returncode}")
        return found

    @property
    def ok(self) -> bool:
        """Whether the run succeeded (see :meth:`problems`)."""
        return not self.problems()

    def check(self) -> DistributedRun:
        """Returns the run itself if it succeeded; otherwise raises ``RuntimeError``.

        Raises:
            RuntimeError: naming each problem, with the last lines of the output of each
                process that failed.
        """
        problems = self.problems()
        if not problems:
            return self
        tails = [
            f"--- {outcome.tuner_id} (status {outcome.returncode}) ---\n{outcome.tail()}"
            for outcome in self.processes.values()
            if outcome.returncode != 0
        ]
        raise RuntimeError("the distributed search failed: " + "; ".join(problems) + "\n" + "\n".join(tails))

    def summary(self) -> pd.DataFrame:
        """Returns one row per process: ``tuner_id``, ``role``, ``returncode``, ``seconds``, ``stopped``."""
        return pd.DataFrame(
            [(o.tuner_id, o.role, o.returncode, round(o.seconds, 1), o.stopped) for o in self.processes.values()],
            columns=["tuner_id", "role", "returncode", "seconds", "stopped"],
        )


def _check_script(script) -> Path:
    if not isinstance(script, (str, os.PathLike)):
        raise TypeError(f"script must be the path of a Python file; received script={_describe(script)}")
    path = Path(script)
    if not path.is_file():
        raise ValueError(f"script must be an existing Python file; received script={str(path)!r}, which does not exist")
    return path.resolve()


def _check_args(args) -> list[str]:
    if isinstance(args, (str, bytes)) or not isinstance(args, (list, tuple)):
        raise TypeError(f"args must be a list of command-line arguments; received args={_describe(args)}")
    checked = []
    for arg in args:
        if isinstance(arg, bool) or not isinstance(arg, (str, os.PathLike, numbers.Number)):
            raise TypeError(f"args must hold strings, paths or numbers; received the argument {_describe(arg)}")
        checked.append(os.fspath(arg) if isinstance(arg, os.PathLike) else str(arg))
    return checked


def _check_env(env) -> dict[str, str]:
    if env is None:
        return {}
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise TypeError(f"env must be None or a dict of str to str; received env={_describe(env)}")
    reserved = sorted(set(env) & {TUNER_ID_ENV, ORACLE_IP_ENV, ORACLE_PORT_ENV})
    if reserved:
        raise ValueError(f"env must not set {', '.join(reserved)}: the launcher sets them for each process")
    return dict(env)


def _signal_group(process: subprocess.Popen, sig) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(process.pid, sig)  # the process leads its own group (start_new_session=True)
        elif sig == signal.SIGTERM:
            process.terminate()
        else:
            process.kill()


def _stop(process: subprocess.Popen) -> None:
    """Ends ``process`` (and anything it started): SIGTERM, then SIGKILL after a few seconds."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(_STOP_WAIT)
        except subprocess.TimeoutExpired:
            _signal_group(process, getattr(signal, "SIGKILL", signal.SIGTERM))
            process.wait()


def run_distributed_search(
    script,
    *,
    num_workers=2,
    args=(),
    host="127.0.0.1",
    port=None,
    timeout=600.0,
    chief_grace=30.0,
    env=None,
    python=None,
    cwd=None,
    log_dir=None,
) -> DistributedRun:
    """Runs a keras-tuner search script as one chief and ``num_workers`` workers on this machine.

    Each process runs ``python script *args`` with the environment of this process plus ``env``
    and keras-tuner's three variables (:func:`distributed_env`): ``KERASTUNER_TUNER_ID`` is
    ``"chief"`` for the first process and ``"tuner0"``, ``"tuner1"``, ... for the workers, and
    all reach the chief's oracle at ``host:port``. The launcher waits until every worker has
    ended, then gives the chief ``chief_grace`` seconds to end by itself (keras-tuner's chief
    polls only every 20 seconds) before stopping it. A run that lasts longer than ``timeout``
    seconds is stopped. A worker is also stopped when the chief has ended and the worker has
    not followed within ``chief_grace`` seconds (it would wait for the chief in vain). Every
    process started here is ended before the function returns, also on an error or
    ``KeyboardInterrupt``.

    The script should build the same tuner in every process, with ``overwrite=False`` (the
    processes share the project folder; clear it beforehand for a fresh search), and call
    ``tuner.search(...)``.

    Args:
        script: the path of the search script.
        num_workers: the number of workers, >= 1.
        args: command-line arguments for the script (strings, paths or numbers).
        host: the chief oracle's address, a loopback address.
        port: the chief oracle's port (``None``: a free port picked now).
        timeout: the time limit of the whole run, in seconds (> 0).
        chief_grace: how long to wait for the chief once the workers have ended (>= 0).
        env: ``None`` or further environment variables for the processes (not the three
            ``KERASTUNER_*`` ones).
        python: the Python executable (``None``: the one running this code).
        cwd: the processes' working folder (``None``: the current one).
        log_dir: ``None`` (the output is kept in memory only) or a folder where each process's
            output is also kept as ``<tuner_id>.log``.

    Returns:
        A :class:`DistributedRun` with each process's exit status, duration and output. Call
        its ``check()`` to raise on a failure.

    Raises:
        TypeError, ValueError: if an argument is wrong (for instance a script that does not
            exist or a host that is not a loopback address).

    Example:

    >>> run = run_distributed_search("search.py", num_workers=2, timeout=300)   # doctest: +SKIP
    >>> run.check().summary()                                                    # doctest: +SKIP
    """
    script = _check_script(script)
    num_workers = check_int("num_workers", num_workers, minimum=1)
    args = _check_args(args)
    host = check_loopback(host)
    port = free_port(host) if port is None else _check_port(port)
    timeout = check_float("timeout", timeout, minimum=0.0, min_inclusive=False)
    chief_grace = check_float("chief_grace", chief_grace, minimum=0.0)
    extra_env = _check_env(env)
    if python is not None and not isinstance(python, (str, os.PathLike)):
        raise TypeError(f"python must be None or the path of a Python executable; received python={_describe(python)}")
    if cwd is not None and not isinstance(cwd, (str, os.PathLike)):
        raise TypeError(f"cwd must be None or a folder; received cwd={_describe(cwd)}")
    if log_dir is not None and not isinstance(log_dir, (str, os.PathLike)):
        raise TypeError(f"log_dir must be None or a folder; received log_dir={_describe(log_dir)}")
    command = [os.fspath(python or sys.executable), os.fspath(script), *args]
    ids = [CHIEF_ID, *worker_ids(num_workers)]

    with tempfile.TemporaryDirectory(prefix="dlcourse-distributed-") as scratch:
        logs = Path(log_dir) if log_dir is not None else Path(scratch)
        logs.mkdir(parents=True, exist_ok=True)
        processes, files, started, ended, stopped = {}, {}, {}, {}, set()
        timed_out = False
        start = time.monotonic()
        try:
            for tuner_id in ids:
                process_env = {**os.environ, **extra_env, "PYTHONUNBUFFERED": "1",
                               **distributed_env(tuner_id, port=port, host=host)}
                files[tuner_id] = (logs / f"{tuner_id}.log").open("w")
                started[tuner_id] = time.monotonic()
                processes[tuner_id] = subprocess.Popen(
                    command, env=process_env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=files[tuner_id],
                    stderr=subprocess.STDOUT, start_new_session=os.name == "posix",
                )
            deadline = start + timeout
            workers = ids[1:]
            while True:
                now = time.monotonic()
                for tuner_id, process in processes.items():
                    if tuner_id not in ended and process.poll() is not None:
                        ended[tuner_id] = now
                if all(w in ended for w in workers):
                    break
                if CHIEF_ID in ended and now - ended[CHIEF_ID] > chief_grace:
                    break  # the chief is gone: the workers left would wait for it in vain
                if now >= deadline:
                    timed_out = True
                    break
                time.sleep(0.1)
            if not timed_out and CHIEF_ID not in ended:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    processes[CHIEF_ID].wait(max(0.0, min(chief_grace, deadline - time.monotonic())))
        finally:
            for tuner_id, process in processes.items():
                if process.poll() is None:
                    stopped.add(tuner_id)
                    _stop(process)
                ended.setdefault(tuner_id, time.monotonic())
            for handle in files.values():
                handle.close()
        seconds = max(ended.values()) - start if ended else 0.0
        outcomes = {
            tuner_id: ProcessOutcome(
                tuner_id=tuner_id,
                returncode=processes[tuner_id].returncode,
                seconds=ended[tuner_id] - started[tuner_id],
                stopped=tuner_id in stopped,
                output=(logs / f"{tuner_id}.log").read_text(errors="replace"),
            )
            for tuner_id in ids
        }
    return DistributedRun(host=host, port=port, seconds=seconds, timed_out=timed_out, processes=outcomes)


def _check_tuner(tuner):
    import keras_tuner

    if not isinstance(tuner, keras_tuner.engine.base_tuner.BaseTuner):
        raise TypeError(
            f"tuner must be a keras-tuner tuner such as keras_tuner.RandomSearch; received tuner={_describe(tuner)}"
        )
    return tuner


def log_trials(tuner) -> Path:
    """Makes ``tuner`` note every trial it starts in ``<project_dir>/dlcourse_trials_<tuner_id>.jsonl``.

    Call it in the search script, before ``tuner.search()``. Each line holds ``tuner_id``,
    ``trial_id``, the trial's hyperparameter values, the process id and the time. In a
    distributed search the workers run the trials, so :func:`trials_by_tuner` then tells which
    worker ran which trial (the chief's oracle keeps the trials, not who ran them).

    Args:
        tuner: a keras-tuner tuner (``RandomSearch``, ``Hyperband``, :class:`CVTuner`, ...).

    Returns:
        The path of the file the tuner appends to.

    Raises:
        TypeError: if ``tuner`` is not a keras-tuner tuner.
    """
    tuner = _check_tuner(tuner)
    path = Path(tuner.project_dir) / f"{TRIAL_LOG_PREFIX}{tuner.tuner_id}.jsonl"
    begin = tuner.on_trial_begin

    def on_trial_begin(trial):
        record = {"tuner_id": str(tuner.tuner_id), "trial_id": str(trial.trial_id),
                  "hyperparameters": trial.hyperparameters.values, "pid": os.getpid(), "time": time.time()}
        with path.open("a") as handle:
            handle.write(json.dumps(record, default=str) + "\n")
        return begin(trial)

    tuner.on_trial_begin = on_trial_begin
    return path


def trials_by_tuner(project_dir) -> dict[str, list[str]]:
    """Returns which trials each tuner ran, from the notes of :func:`log_trials`.

    Args:
        project_dir: the search's project folder (``directory/project_name``).

    Returns:
        ``{tuner_id: [trial_id, ...]}``, the ids in sorted order and each tuner's trials in the
        order it started them; empty if no tuner logged anything.

    Raises:
        TypeError: if ``project_dir`` is not a path.
        ValueError: if the folder does not exist.
    """
    if not isinstance(project_dir, (str, os.PathLike)):
        raise TypeError(f"project_dir must be a folder; received project_dir={_describe(project_dir)}")
    folder = Path(project_dir)
    if not folder.is_dir():
        raise ValueError(f"project_dir must be an existing folder; received project_dir={str(folder)!r}")
    found = {}
    for path in sorted(folder.glob(f"{TRIAL_LOG_PREFIX}*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                found.setdefault(record["tuner_id"], []).append(record["trial_id"])
    return dict(sorted(found.items()))
