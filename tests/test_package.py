"""The package's public surface: every exported name resolves, and importing is cheap."""

import subprocess
import sys

import pytest

import dlcourse


@pytest.mark.parametrize("name", dlcourse.__all__)
def test_every_public_name_resolves(name):
    value = getattr(dlcourse, name)
    assert value is not None
    if callable(value):  # documented in the package's Google style
        assert value.__doc__, f"{name} has no docstring"
        assert "Args:" in value.__doc__ or "Returns:" in value.__doc__ or "Attributes:" in value.__doc__, name


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="module 'dlcourse' has no attribute 'build_mlp'"):
        dlcourse.build_mlp


def test_import_is_lazy_and_writes_nothing(tmp_path):
    # A fresh interpreter: importing dlcourse must not import TensorFlow or write files.
    code = "import sys, dlcourse; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert list(tmp_path.iterdir()) == []


# --- the shape of the package: one home per name, dependencies downward, no cycles ------------

import ast  # noqa: E402
import importlib  # noqa: E402
import pkgutil  # noqa: E402
from pathlib import Path  # noqa: E402

PACKAGE_DIR = Path(dlcourse.__file__).parent


def _modules():
    for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="dlcourse."):
        if info.name != "dlcourse.__main__":
            yield info.name


def _declared_all(name):
    path = PACKAGE_DIR.joinpath(*name.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return node, path
    return None, path


def test_every_public_name_has_exactly_one_home_module():
    # A module's __all__ written out as a literal list is the home of its names; a package whose
    # __all__ is computed (dlcourse.data, dlcourse.plots) re-exports its modules' names.
    homes = {}
    for name in _modules():
        node, _ = _declared_all(name)
        if node is None or not isinstance(node.value, ast.List) or any(
            isinstance(item, ast.Starred) for item in node.value.elts
        ):
            continue
        for public in ast.literal_eval(node.value):
            homes.setdefault(public, []).append(name)
    twice = {public: where for public, where in homes.items() if len(where) > 1}
    assert twice == {}
    assert set(homes) >= set(dlcourse.__all__) - {"data", "ops", "plots"}


def test_every_module_lists_its_public_names_and_defines_them():
    for name in _modules():
        module = importlib.import_module(name)
        node, path = _declared_all(name)
        if name.count(".") > 1 or not path.name == "__init__.py":
            assert node is not None, f"{name} has no __all__"
        for public in getattr(module, "__all__", []):
            assert hasattr(module, public), f"{name}.__all__ lists {public!r}, which it does not define"


def test_the_top_level_is_generated_from_the_modules_all():
    for public in dlcourse.__all__:
        if public in ("data", "ops", "plots"):
            continue
        home = importlib.import_module(f"dlcourse.{dlcourse._HOME[public]}")
        assert public in home.__all__
        assert getattr(dlcourse, public) is getattr(home, public)
    assert "importlib" not in dir(dlcourse) and "ast" not in dir(dlcourse)


def test_no_private_name_is_imported_from_another_module():
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlcourse"):
                parts = node.module.split(".")
                names = [alias.name for alias in node.names]
                if any(p.startswith("_") for p in parts) or any(n.startswith("_") for n in names):
                    offenders.append(f"{path.relative_to(PACKAGE_DIR)}: from {node.module} import {', '.join(names)}")
    assert offenders == []


def test_no_private_modules_of_keras_or_keras_tuner_are_imported():
    # None in the notebooks and benchmarks; in the package only where no public name will do, with
    # the reason and the versions checked in a comment just above the import.
    roots = [PACKAGE_DIR, PACKAGE_DIR.parent / "notebooks", PACKAGE_DIR.parent / "benchmarks"]
    offenders = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix not in (".py", ".ipynb"):
                continue
            lines = path.read_text().splitlines()
            for i, line in enumerate(lines):
                if ("keras.src" in line or "keras_tuner.src" in line) and "import" in line:
                    above = " ".join(lines[max(i - 3, 0):i])
                    if root != PACKAGE_DIR or "Private on purpose" not in above or "checked with" not in above:
                        offenders.append(f"{path}:{i + 1}")
    assert offenders == []


def test_import_contracts_hold():
    # The layers and the NumPy-only modules, written down in pyproject.toml [tool.importlinter].
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=PACKAGE_DIR.parent, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_import_cycles():
    import grimp

    graph = grimp.build_graph("dlcourse")
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    state, cycle = {}, []

    def visit(module, path):
        state[module] = "open"
        for target in sorted(imports.get(module, ())):
            if state.get(target) == "open":
                cycle.extend(path[path.index(target):] + [module, target] if target in path else [module, target])
                return True
            if target not in state and visit(target, path + [module]):
                return True
        state[module] = "done"
        return False

    for module in sorted(graph.modules):
        if module not in state and visit(module, []):
            break
    assert cycle == []


def test_every_docstring_example_runs():
    # `make test` runs the examples with --doctest-modules; a skipped example is a stale one.
    skipped = [str(p.relative_to(PACKAGE_DIR)) for p in PACKAGE_DIR.rglob("*.py") if "doctest: +SKIP" in p.read_text()]
    assert skipped == []
