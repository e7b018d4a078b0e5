"""Publishing executed notebooks: ``notebooks/`` committed with their full-mode outputs, kept fresh.

``python -m dlcourse run --full --publish 01`` runs a notebook in full mode and writes the
executed copy back over ``notebooks/01_imdb.ipynb`` with :func:`publish_notebook`, normalized so
that publishing again changes only what the run changed:

- the source notebook's cell ids and cell metadata, no execution timings, no widget state, the
  ``python3`` kernelspec and ``language_info`` reduced to ``{"name": "python"}``;
- execution counts 1, 2, 3... in order (every cell runs once, top to bottom);
- figures as PNG at :data:`FIGURE_DPI` dots per inch (the kernel is started with
  :data:`KERNEL_ARGUMENTS`); tqdm's live widgets dropped (without a kernel they show nothing);
- stream outputs as a terminal shows them (carriage returns and backspaces of progress bars
  applied), TensorFlow's C++ log lines dropped, and training logs longer than 40 lines (other
  outputs longer than 150) cut to their first 10 and last 20 lines. Cells marked ``# NBVAL_CHECK_OUTPUT`` keep their whole output, merged per
  stream as nbval merges what it compares them with.

The stamp in ``metadata["dlcourse"]["published"]`` holds the mode, the date, the machine, the
package and library versions and :func:`code_hash` of the code cells. :func:`freshness_problem`
tells when a published notebook's code changed since (``tests/test_published_notebooks.py``).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import platform
import re
from datetime import datetime, timezone
from importlib import metadata as _metadata
from pathlib import Path

import dlcourse
from dlcourse import config
from dlcourse.results import gpu_names
from dlcourse.validation import describe

__all__ = ["FIGURE_DPI", "KERNEL_ARGUMENTS", "code_hash", "publish_notebook", "freshness_problem"]

FIGURE_DPI = 90
"""Resolution of the published figures: a 6.4 x 4.8 inch figure is at most 576 x 432 pixels."""

KERNEL_ARGUMENTS = (
    "--InlineBackend.figure_formats={'png'}",
    f"--InlineBackend.print_figure_kwargs={{'bbox_inches': 'tight', 'dpi': {FIGURE_DPI}}}",
)
"""IPython options for the kernel of a publishing run: inline figures as PNG at :data:`FIGURE_DPI`."""

_CHECKED = "# NBVAL_CHECK_OUTPUT"
_KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_WIDGET = "application/vnd.jupyter.widget-view+json"
_HEAD, _TAIL = 10, 20
_MAX_LOG_LINES, _MAX_LINES = 40, 150  # a training log (Keras's "Epoch 3/20" lines); any other output
_EPOCH = re.compile(r"^Epoch \d+/\d+", re.MULTILINE)
# TensorFlow's C++ logging (and absl's) carry timestamps and process ids that change at every run.
# Two forms: "2026-12-04 18:00:00.123456: W tensorflow/..." and "I0000 00:00:1796408572.205907    1515 port.cc:153] ...".
_LOG_LINE = re.compile(r"^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] |[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.-]+:\d+\] "
                       r"|WARNING: All log messages before absl::InitializeLog\(\) is called)")
# nbval's pattern for carriage returns (it applies no other rewriting to the streams it compares).
# Streams are merged here only when adjacent: nbval and nbclient merge every stream of a cell into
# one, which moves text printed after a figure above it.
_CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def code_hash(notebook) -> str:
    """Returns the SHA-256 of a notebook's code cells (their sources, in order; prose left out).

    Args:
        notebook: a notebook as read by ``nbformat`` (or its JSON as a ``dict``).

    Returns:
        64 hexadecimal digits.

    Raises:
        TypeError: if ``notebook`` is not a mapping with a list of ``cells``.

    Example:

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    >>> before = code_hash(nb)
    >>> nb.cells.append(nbformat.v4.new_markdown_cell("Prose does not count."))
    >>> code_hash(nb) == before
    True
    >>> nb.cells[0].source = "x = 2"
    >>> code_hash(nb) == before
    False
    """
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise TypeError(f"notebook must be a notebook read by nbformat (a dict with a list of cells); "
                        f"received notebook={describe(notebook)}")
    sources = [_source(cell) for cell in notebook["cells"] if cell.get("cell_type") == "code"]
    return hashlib.sha256(json.dumps(sources).encode("utf-8")).hexdigest()


def _publish_command(path: Path) -> str:
    number = path.stem.split("_", 1)[0]
    return f"python -m dlcourse run --full --publish {number if number.isdigit() else path.stem}"


def _has_outputs(notebook) -> bool:
    """Whether any code cell holds outputs or an execution count, leaving out ``# NBVAL_CHECK_OUTPUT``
    cells (a clean notebook may commit their outputs)."""
    return any(cell.get("outputs") or cell.get("execution_count") is not None
               for cell in notebook["cells"]
               if cell.get("cell_type") == "code" and not _source(cell).startswith(_CHECKED))


def freshness_problem(path: str | os.PathLike) -> str | None:
    """Tells what is wrong with a committed notebook's outputs, or ``None`` when nothing is.

    A notebook without outputs is fine. One with outputs must carry a full-mode stamp (written
    by :func:`publish_notebook`) whose code hash matches its current code cells: editing the prose
    keeps it fresh; editing code makes it stale until it is published again.

    Args:
        path: the ``.ipynb`` file.

    Returns:
        ``None``, or one sentence naming the notebook, the problem and the command that fixes it.

    Raises:
        TypeError: if ``path`` is not a ``str`` or ``os.PathLike``.
        FileNotFoundError: if there is no such file.
    """
    import nbformat

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; received path={describe(path)}")
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    if not _has_outputs(notebook):
        return None
    stamp = notebook.metadata.get("dlcourse", {}).get("published")
    fix = f"re-publish it with `{_publish_command(path)}` (or clear its outputs)"
    if not stamp:
        return f"{path.name} has outputs but no publication stamp; {fix}"
    if stamp.get("mode") != "full":
        return f"{path.name} was published from a {stamp.get('mode')!r}-mode run, not a full-mode one; {fix}"
    if stamp.get("code_sha256") != code_hash(notebook):
        return (f"{path.name} is stale: its code cells changed since it was published on {stamp.get('date')}; "
                f"{fix}")
    return None


def _machine() -> dict:
    """The CPU model, the cores this process may use, and the GPUs that ``nvidia-smi`` lists."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": cores, "gpu": ", ".join(gpu_names()) or None,
            "system": f"{platform.system()} {platform.machine()}"}


def _versions() -> dict:
    """The versions of Python, the package and the libraries that the kernel (this environment) ran."""
    versions = {"python": platform.python_version(), "dlcourse": dlcourse.__version__}
    for name, distributions in (("keras", ("keras",)), ("tensorflow", ("tensorflow", "tensorflow-cpu")),
                                ("numpy", ("numpy",)), ("matplotlib", ("matplotlib",))):
        versions[name] = None
        for distribution in distributions:
            with contextlib.suppress(_metadata.PackageNotFoundError):
                versions[name] = _metadata.version(distribution)
                break
    return versions


def _terminal_text(text: str, *, exact: bool) -> str:
    """A stream as a terminal shows it: what a carriage return rewrites is gone (progress bars);
    unless ``exact`` (nbval's own rewriting), backspaces and trailing blanks go too."""
    text = _CARRIAGE_RETURN.sub("", text)
    if exact:
        return text
    return "\n".join(line.rstrip() for line in text.replace("\b", "").split("\n"))


def _trimmed(text: str) -> str:
    """Without TensorFlow's log lines; a training log over 40 lines (any other output over 150) cut
    to its first 10 and last 20 lines."""
    ends = text.endswith("\n")
    lines = [line for line in text.split("\n")[:-1 if ends else None] if not _LOG_LINE.match(line)]
    if len(lines) > (_MAX_LOG_LINES if _EPOCH.search(text) else _MAX_LINES):
        cut = len(lines) - _HEAD - _TAIL
        marker = f"[... {cut} more lines, not kept in the published notebook: run it to see them all ...]"
        lines = [*lines[:_HEAD], marker, *lines[-_TAIL:]]
    return "\n".join(lines) + ("\n" if ends and lines else "")


def _merged_streams(outputs: list, *, adjacent_only: bool) -> list:
    merged, by_name = [], {}
    for output in outputs:
        if output.get("output_type") != "stream":
            merged.append(output)
            if adjacent_only:
                by_name = {}
            continue
        previous = by_name.get(output["name"])
        if previous is not None and (not adjacent_only or merged[-1] is previous):
            previous["text"] += output["text"]
        else:
            merged.append(output)
            by_name = {output["name"]: output} if adjacent_only else {**by_name, output["name"]: output}
    for output in merged:
        if output.get("output_type") == "stream":
            output["text"] = _terminal_text(output["text"], exact=not adjacent_only)
    return merged


def _clean_outputs(outputs, *, checked: bool) -> list:
    outputs = _merged_streams([copy.deepcopy(o) for o in outputs], adjacent_only=not checked)
    cleaned = []
    for output in outputs:
        output.pop("transient", None)
        if _WIDGET in output.get("data", {}):
            continue  # a live widget (tqdm's bar): without its kernel it shows nothing
        if output.get("output_type") == "stream" and not checked:
            output["text"] = _trimmed(output["text"])
            if not output["text"].strip():
                continue
        cleaned.append(output)
    return cleaned


def _normalized(executed, source):
    """The source notebook with the executed copy's outputs, normalized (see the module's text)."""
    notebook = copy.deepcopy(source)
    notebook.nbformat_minor = max(notebook.get("nbformat_minor", 5), 5)  # cell ids need 4.5
    notebook.metadata.get("dlcourse", {}).pop("published", None)
    notebook.metadata["kernelspec"] = dict(_KERNELSPEC)
    notebook.metadata["language_info"] = {"name": "python"}
    for index, (cell, run) in enumerate(zip(notebook.cells, executed["cells"])):
        cell.setdefault("id", f"cell-{index:03d}")
        if cell.cell_type == "code":
            cell.execution_count = run.get("execution_count")
            cell.outputs = _clean_outputs(run.get("outputs", []), checked=_source(cell).startswith(_CHECKED))
    return notebook


def publish_notebook(executed, path: str | os.PathLike) -> Path:
    """Writes a full-mode run's outputs into the notebook it ran, normalized and stamped.

    The source notebook at ``path`` keeps its cells, ids and metadata; each code cell takes the
    executed copy's outputs and execution count, normalized as the module's text says, and
    ``metadata["dlcourse"]["published"]`` gets the stamp: ``mode`` (``"full"``), ``date`` (UTC),
    ``machine`` (``cpu``, ``cores``, ``gpu``, ``system``), ``versions`` (``python``,
    ``dlcourse``, ``keras``, ``tensorflow``, ``numpy``, ``matplotlib``), ``code_sha256``
    (:func:`code_hash`) and ``command`` (the command that publishes it again). The file is
    replaced atomically.

    Args:
        executed: the notebook as the full-mode run left it (``nbclient``), all cells run.
        path: the source notebook it was run from, which is overwritten.

    Returns:
        ``path`` as a ``Path``.

    Raises:
        TypeError: if ``executed`` is not a notebook or ``path`` not a ``str`` or ``os.PathLike``.
        ValueError: if the cells of ``executed`` differ from those at ``path`` (the notebook was
            edited while it ran): nothing is written.
        FileNotFoundError: if there is no notebook at ``path``.
    """
    import nbformat

    if not isinstance(executed, dict) or not isinstance(executed.get("cells"), list):
        raise TypeError(f"executed must be a notebook read by nbformat; received executed={describe(executed)}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; received path={describe(path)}")
    path = Path(path)
    source = nbformat.read(path, as_version=4)
    if [(c.get("cell_type"), _source(c)) for c in executed["cells"]] != [(c.cell_type, _source(c)) for c in source.cells]:
        raise ValueError(f"executed does not hold the cells of {path}: the notebook changed while it ran; "
                         f"nothing published (run `{_publish_command(path)}` again)")
    notebook = _normalized(executed, source)
    notebook.metadata.setdefault("dlcourse", {})["published"] = {
        "mode": "full",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": _machine(),
        "versions": _versions(),
        "code_sha256": code_hash(notebook),
        "command": _publish_command(path),
    }
    text = nbformat.writes(notebook)
    return config.write_atomically(path, text if text.endswith("\n") else text + "\n")
