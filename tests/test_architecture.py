"""The architecture as a test: the layers of DESIGN.md, read from the import graph of the package.

Arrows point down only: cli / plugin / lint -> report -> core. core imports no other layer; lint
and plugin never import each other; report never imports the plugin's ledger; there are no import
cycles (imports under ``if TYPE_CHECKING:`` included). Modules stay readable in one sitting.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pytest_tokenbudget"
ROOT = "pytest_tokenbudget"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Data tables and wire-format fixtures, allowed to be long (a table reads top to bottom).
LONG_MODULES_ALLOWED: frozenset[str] = frozenset()


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(ROOT))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith(ROOT):
                continue
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in MODULES else module)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "root"


def _edges(src_layer: str, dst_layer: str) -> list[str]:
    return sorted(f"{a} -> {b}" for a, deps in GRAPH.items() for b in deps
                  if _layer(a) == src_layer and _layer(b) == dst_layer)


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_every_layer():
    assert {"core", "lint", "plugin", "report", "cli", "testing"} <= {_layer(m) for m in MODULES}
    assert GRAPH["pytest_tokenbudget.plugin"], "the hook module imports its layer"


def test_no_import_cycles():
    assert _cycles() == []


@pytest.mark.parametrize("upper", ["lint", "plugin", "report", "cli", "testing", "root"])
def test_core_imports_no_layer_above_it(upper):
    assert _edges("core", upper) == []


def test_lint_and_plugin_do_not_import_each_other():
    assert _edges("lint", "plugin") == [] and _edges("plugin", "lint") == []


@pytest.mark.parametrize("upper", ["plugin", "lint", "cli"])
def test_report_imports_no_layer_above_it(upper):
    assert _edges("report", upper) == []


def test_nothing_imports_the_cli_but_the_entry_points():
    assert [e for e in _edges("lint", "cli") + _edges("plugin", "cli") + _edges("report", "cli")] == []


def test_modules_fit_in_one_reading():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
            and name not in LONG_MODULES_ALLOWED}
    assert long == {}


def test_functions_fit_on_a_screen():
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {n} lines")
    assert long == []
