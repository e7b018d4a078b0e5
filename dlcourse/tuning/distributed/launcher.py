"""``run_distributed_search``: a chief and N workers of one search script, as local processes."""

from __future__ import annotations

import contextlib
import numbers
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dlcourse._validation import _describe, check_float, check_int
from dlcourse.tuning.distributed.env import (
    CHIEF_ID,
    ORACLE_IP_ENV,
    ORACLE_PORT_ENV,
    TUNER_ID_ENV,
    _check_port,
    check_loopback,
    distributed_env,
    free_port,
    worker_ids,
)

_STOP_WAIT = 5.0  # seconds between SIGTERM and SIGKILL


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
