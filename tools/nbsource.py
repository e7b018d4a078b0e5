"""Converts notebooks to and from a plain-text "percent" script, for editing and review.

    python tools/nbsource.py to-py notebooks/01_imdb.ipynb /tmp/01_imdb.py
    python tools/nbsource.py to-ipynb /tmp/01_imdb.py notebooks/01_imdb.ipynb

In the script, ``# %%`` starts a code cell and ``# %% [markdown]`` a Markdown cell whose lines
are written as ``# text``. Notebooks are written clean: no outputs, no execution counts, the
``python3`` kernel, so that diffs stay readable. Only the scripts' conversions live here; the
scripts themselves are not kept in the repository (the notebooks are the source).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

CODE, MARKDOWN = "# %%", "# %% [markdown]"


def script_to_notebook(text: str) -> nbformat.NotebookNode:
    cells, kind, lines = [], None, []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#") for l in body.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(body))
        elif body.strip():
            cells.append(nbformat.v4.new_code_cell(body))

    for line in text.splitlines():
        if line.strip() == MARKDOWN:
            flush(); kind, lines = "markdown", []
        elif line.strip() == CODE:
            flush(); kind, lines = "code", []
        else:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    return nb


def notebook_to_script(nb) -> str:
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            body = "\n".join(("# " + l) if l else "#" for l in cell.source.splitlines())
            parts.append(f"{MARKDOWN}\n{body}\n")
        elif cell.cell_type == "code":
            parts.append(f"{CODE}\n{cell.source}\n")
    return "\n".join(parts)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3 or argv[0] not in ("to-py", "to-ipynb"):
        print(__doc__, file=sys.stderr)
        return 2
    command, src, dst = argv
    if command == "to-ipynb":
        nb = script_to_notebook(Path(src).read_text())
        nbformat.validate(nb)
        nbformat.write(nb, dst)
    else:
        Path(dst).write_text(notebook_to_script(nbformat.read(src, as_version=4)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
