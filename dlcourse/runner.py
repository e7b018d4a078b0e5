"""Runs the course's notebooks headless: ``python -m dlcourse run [NN ...] [--full [--publish]]``.

Each notebook runs top to bottom in a fresh kernel (nbclient), in quick or full mode. The executed
copy and an HTML page go to ``build/run/<mode>/``; the repository's notebooks are written to only
when publishing (:mod:`dlcourse.publish`), which writes each full-mode run that succeeded back
into ``notebooks/``. Each run's wall time, CPU time, peak memory and machine are stored with the
notebook's headline metrics (:mod:`dlcourse.results`).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from dlcourse import config, results
from dlcourse.publish import KERNEL_ARGUMENTS, publish_notebook
from dlcourse.validation import check_bool, check_int

__all__ = ["find_notebooks", "run_notebooks"]


@dataclass(frozen=True)
class _RunReport:
    """How one notebook ran: ``error`` is the error's last line when not ``ok``; the kernel's
    ``peak_memory_mb`` and ``cpu_seconds`` (its children included) are ``None`` when unmeasured;
    ``published`` is the notebook written back into ``notebooks/``, if any."""

    notebook: str
    ok: bool
    seconds: float
    peak_memory_mb: float | None
    executed_path: Path
    error: str | None = None
    cpu_seconds: float | None = None
    published: Path | None = None


def _notebooks_dir() -> Path:
    root = config.project_root()
    folder = (root / "notebooks") if root else Path.cwd() / "notebooks"
    if not folder.is_dir():
        raise FileNotFoundError(f"no notebooks/ folder found at {folder}; run this from the dlcourse checkout")
    return folder


def find_notebooks(selection=None) -> list[Path]:
    """Returns the ``notebooks/NN_topic.ipynb`` files to run, sorted.

    Args:
        selection: ``None`` for all, or names like ``"01"``, ``"01_imdb"`` or ``"01_imdb.ipynb"``.

    Raises:
        FileNotFoundError: if there is no ``notebooks/`` folder in the checkout (or here).
        ValueError: if a name matches no notebook (the message lists the available ones).
    """
    available = sorted(_notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    if not selection:
        return available
    chosen = []
    for name in selection:
        stem = Path(str(name)).name.removesuffix(".ipynb")
        matches = [p for p in available if p.stem == stem or p.stem.split("_", 1)[0] == stem]
        if not matches:
            names = ", ".join(p.stem for p in available) or "(none)"
            raise ValueError(f"notebook {name!r} not found; available notebooks: {names}")
        chosen.extend(m for m in matches if m not in chosen)
    return sorted(chosen)


class _KernelMonitor:
    """Samples the kernel (this process's children) in a thread: peak resident memory and CPU time
    (which, unlike wall time, a busy machine does not inflate much)."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self.peak = None
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:  # psutil comes with ipykernel; without it no memory figure
            return
        me = psutil.Process()
        while not self._stop.is_set():
            rss = 0
            for child in me.children(recursive=True):
                try:
                    rss += child.memory_info().rss
                    times = child.cpu_times()
                except psutil.Error:  # a child that ended between listing and reading
                    continue
                self._cpu[child.pid] = times.user + times.system
            if rss:
                self.peak = max(self.peak or 0, rss)
            self._stop.wait(self.interval)

    def stop(self) -> tuple[float | None, float | None]:
        """Stops sampling; returns ``(peak memory in MiB, CPU seconds)``, ``None`` where unmeasured."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        peak = None if self.peak is None else self.peak / 2**20
        return peak, (sum(self._cpu.values()) if self._cpu else None)


def _run_notebook(path: Path, *, full: bool, timeout: int, html: bool, publish: bool = False) -> _RunReport:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    mode = "full" if full else "quick"
    out_dir = config.build_dir("run", mode)
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env["DLCOURSE_QUICK"] = "0" if full else "1"
    env.setdefault("DLCOURSE_BUILD_DIR", str(config.build_dir()))
    # The inline backend puts every figure into the executed copy and its HTML page (Agg, which a
    # caller's environment may set for tests, would silently drop them).
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ start-up chatter in the outputs
    records = results.results_dir(mode) / f"{path.stem}.json"
    previous_records = None
    if publish:  # RESULTS.md is then made from this run's records alone
        previous_records = records.read_text(encoding="utf-8") if records.exists() else None
        records.unlink(missing_ok=True)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                            extra_arguments=list(KERNEL_ARGUMENTS) if publish else [])
    error = None
    start = time.perf_counter()
    memory = _KernelMonitor()
    try:
        client.execute(env=env)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    seconds = time.perf_counter() - start
    peak, cpu_seconds = memory.stop()
    executed = config.write_atomically(out_dir / path.name, nbformat.writes(nb))
    published = None
    if publish and error is None:
        try:
            published = publish_notebook(nb, path)
        except ValueError as exc:  # the notebook was edited while it ran
            error = str(exc)
    if html:
        from nbconvert import HTMLExporter

        shown = nbformat.read(published, as_version=4) if published else nb  # what a reader of the repository sees
        body, _ = HTMLExporter().from_notebook_node(shown)
        config.write_atomically(executed.with_suffix(".html"), body)
    results.record_timing(path.stem, seconds, mode=mode, ok=error is None, peak_memory_mb=peak, cpu_seconds=cpu_seconds)
    if publish and error is not None:  # the committed notebook stays as it was, and so do its records
        if previous_records is None:
            records.unlink(missing_ok=True)
        else:
            config.write_atomically(records, previous_records)
    return _RunReport(path.stem, error is None, seconds, peak, executed, error, cpu_seconds, published)


def run_notebooks(selection=None, *, full: bool = False, timeout: int = 3600, html: bool = True,
                  verbose: int = 1, publish: bool = False) -> list[_RunReport]:
    """Runs notebooks headless in course order, each in a fresh kernel (see the module's text).

    Args:
        selection: notebook names (see :func:`find_notebooks`), or ``None`` for all.
        full: full mode (the real data and epochs) instead of quick mode.
        timeout: seconds allowed for any one cell.
        html: write HTML pages too.
        verbose: ``1`` shows a progress bar, one line per notebook and a summary; ``0`` nothing.
        publish: write each notebook that ran without error back into ``notebooks/``
            with its outputs, normalized and stamped (:func:`dlcourse.publish.publish_notebook`);
            figures are PNG at :data:`dlcourse.publish.FIGURE_DPI` dots per inch, and the
            notebook's records in ``build/results/full/`` are this run's alone (a notebook
            that fails keeps its committed file and its earlier records). Needs ``full=True``.

    Returns:
        One report per notebook: ``notebook``, ``ok``, ``seconds``, ``peak_memory_mb``,
        ``executed_path``, ``error``, ``cpu_seconds`` and ``published`` (the path written, or ``None``).

    Raises:
        FileNotFoundError: if there is no ``notebooks/`` folder.
        ValueError: if a name matches no notebook, ``timeout < 1``, ``verbose`` is not 0 or 1, or
            ``publish`` is asked for without ``full``.
        TypeError: if ``full``, ``html`` or ``publish`` is not a bool.
    """
    from tqdm.auto import tqdm

    check_int("timeout", timeout, minimum=1)
    verbose = check_int("verbose", verbose, minimum=0, maximum=1)
    for name, value in (("full", full), ("html", html), ("publish", publish)):
        check_bool(name, value)
    if publish and not full:
        raise ValueError("publish=True needs full=True: published notebooks show full-mode outputs; "
                         "received full=False")
    paths = find_notebooks(selection)
    mode = "full" if full else "quick"
    bar = tqdm(paths, desc=f"{mode} run", unit="notebook", disable=not verbose)
    if verbose:
        bar.write(f"Running {len(paths)} notebook(s) in {mode} mode; output in {config.build_dir('run', mode)}"
                  + ("; publishing into notebooks/" if publish else ""))
    reports = []
    for i, path in enumerate(bar, 1):
        bar.set_postfix_str(path.stem)
        report = _run_notebook(path, full=full, timeout=timeout, html=html, publish=publish)
        memory = f", peak {report.peak_memory_mb:,.0f} MB" if report.peak_memory_mb else ""
        memory += f", CPU {report.cpu_seconds:.0f} s" if report.cpu_seconds else ""
        status = "ok" if report.ok else f"FAILED: {report.error}"
        status += f", published ({report.published.stat().st_size / 1024:,.0f} KiB)" if report.published else ""
        if verbose:
            bar.write(f"[{i}/{len(paths)}] {path.stem} ... {status} ({report.seconds:.1f} s{memory})")
        reports.append(report)
    bar.close()
    failed = [r.notebook for r in reports if not r.ok]
    if verbose:
        total = sum(r.seconds for r in reports)
        summary = f"{len(reports) - len(failed)} of {len(reports)} notebooks ran in {total:.0f} s"
        print(summary + (f"; failed: {', '.join(failed)}" if failed else ""), flush=True)
    return reports
