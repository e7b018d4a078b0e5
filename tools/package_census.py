"""Counts what issue 11 measures: package lines (docstrings apart), public names, paths per name.

A module's public API is its ``__all__``, or, without one, every non-underscore name it defines or
imports from dlcourse (Python's convention). The top level's API is ``dlcourse.__all__``.

    python tools/package_census.py [REPO_ROOT]
"""

import ast
import collections
import importlib
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve() / "dlcourse"
lines = docstrings = 0
api = {}
for path in sorted(root.rglob("*.py")):
    source = path.read_text()
    tree = ast.parse(source)
    lines += len(source.splitlines())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if ast.get_docstring(node, clean=False) is not None:
                docstrings += node.body[0].end_lineno - node.body[0].lineno + 1
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    module = ".".join(parts)
    if module.endswith("__main__") or any(p.startswith("_") for p in parts[1:]):
        continue
    declared, names = None, set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            try:
                declared = set(ast.literal_eval(node.value))
            except ValueError:  # computed from other modules' __all__
                declared = "computed"
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name) and not target.id.startswith("_") and target.id != "__all__":
                    names.add(target.id)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlcourse"):
            names.update(a.asname or a.name for a in node.names if not (a.asname or a.name).startswith("_"))
    api[module] = names if declared is None else declared
sys.path.insert(0, str(root.parent))
for module, names in api.items():
    if names == "computed":
        api[module] = set(importlib.import_module(module).__all__)
top = importlib.import_module("dlcourse")
api["dlcourse"] = set(top.__all__) - {"data", "ops", "plots"}
paths = collections.Counter(name for names in api.values() for name in names)
print(f"package lines: {lines:,} ({docstrings:,} in docstrings)")
print(f"public names: {len(paths)}; top-level names: {len(top.__all__)}")
print("import paths per name:", dict(sorted(collections.Counter(paths.values()).items())))
