"""Modules a program picks by name at run time, for the caller searches.

    llm_module = importlib.import_module(f"llms.{provider}")          # one module of llms/
    model_func = getattr(import_module("Models.Claude3Opus"), "call_model")
    model_func = dynamic_import(f"Models.{MODEL_NAME}", "call_model")  # a helper doing the same

No import statement names such a module, so :func:`.callnames.refs_for` found no caller of its
functions and TB401 never saw the loop that runs them. :func:`loads_of` lists, per project file
that says ``import_module``, the names these calls bind and the dotted module names they may load:
a pattern whose constant parts are as written, a module-level string constant by its value, and any
other part one name (``f"llms.{provider}"`` may load ``llms.claude``). A pattern with no constant
part loads anything, and is not followed.

A module picked this way, or put in a table of modules (``{"claude": claude, "qwen": qwen}``), is
often handed on as a parameter: ``process_file(job, llm_module)`` calls ``llm_module.correct_text(...)``.
When a sibling module defines the same function (interchangeable providers), a parameter the
function is called on counts as the module (:func:`plugin_function`, :func:`param_receivers`).
"""

from __future__ import annotations

import ast
import functools
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.astwalk import facts_of, walk
from pytest_tokenbudget.lint.importcheck import file_bytes
from pytest_tokenbudget.lint.project_roots import in_tests
from pytest_tokenbudget.lint.runmemo import remember_with_deps
from pytest_tokenbudget.lint.word_index import project_words

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["Load", "loading_files", "loads_of", "module_tails", "param_receivers", "plugin_function", "plugin_refs"]

_IMPORTERS = frozenset({"import_module", "importlib.import_module", "__import__"})


@dataclass(frozen=True)
class Load:
    """``target`` (a name, or ``self.x``) is bound to a module matching ``pattern``, or to its ``attr``."""

    target: str
    pattern: str
    attr: str | None = None

    def loads(self, dotted_tails: tuple[str, ...]) -> bool:
        return any(re.fullmatch(self.pattern, t) for t in dotted_tails)


def loads_of(tree: ast.Module) -> tuple[Load, ...]:
    """The run-time module loads bound in ``tree``: ``x = import_module(P)``, ``x =
    getattr(import_module(P), "f")``, and ``x = h(P, "f")`` / ``x = h(P)`` for a function ``h`` of the
    same file that returns one of those built from its parameters."""
    consts = {t.id: st.value.value for st in tree.body if isinstance(st, ast.Assign)
              and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str)
              for t in st.targets if isinstance(t, ast.Name)}
    helpers = _helpers(tree)
    out = []
    for st in facts_of(tree).assigns:
        if len(st.targets) != 1 or not isinstance(st.targets[0], (ast.Name, ast.Attribute)):
            continue
        got = _loaded(st.value, helpers)
        if got is not None and (pattern := _pattern(got[0], consts)) is not None:
            out.append(Load(ast.unparse(st.targets[0]), pattern, _text(got[1], consts)))
    return tuple(out)


def _loaded(value: ast.expr, helpers: dict[str, tuple[int, int | None]]) -> tuple[ast.expr, ast.expr | None] | None:
    """(the module-name expression, the attribute-name expression or None) of a load."""
    if not isinstance(value, ast.Call) or not value.args:
        return None
    name = ast.unparse(value.func)
    if name in _IMPORTERS:
        return value.args[0], None
    if name == "getattr" and len(value.args) >= 2 and isinstance(value.args[0], ast.Call) \
            and ast.unparse(value.args[0].func) in _IMPORTERS and value.args[0].args:
        return value.args[0].args[0], value.args[1]
    if name in helpers:
        module_at, attr_at = helpers[name]
        if module_at < len(value.args) and (attr_at is None or attr_at < len(value.args)):
            return value.args[module_at], value.args[attr_at] if attr_at is not None else None
    return None


def _helpers(tree: ast.Module) -> dict[str, tuple[int, int | None]]:
    """Module-level functions returning ``import_module(p)`` or ``getattr(import_module(p), q)`` (also
    through a local: ``m = import_module(p); return getattr(m, q)``), by name: the positions of ``p``
    and ``q`` among their parameters."""
    out: dict[str, tuple[int, int | None]] = {}
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = [a.arg for a in fn.args.args]
        local = {st.targets[0].id: st.value for st in fn.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                 and isinstance(st.targets[0], ast.Name)}
        for ret in (n for n in walk(fn) if isinstance(n, ast.Return) and n.value is not None):
            value = ret.value
            if isinstance(value, ast.Call) and ast.unparse(value.func) == "getattr" and len(value.args) >= 2 \
                    and isinstance(value.args[0], ast.Name) and value.args[0].id in local:
                value = ast.Call(func=value.func, args=[local[value.args[0].id], *value.args[1:]], keywords=[])
            got = _loaded(value, {})
            if got is None or not isinstance(got[0], ast.Name) or got[0].id not in params:
                continue
            attr = got[1]
            if attr is None or isinstance(attr, ast.Name) and attr.id in params:
                out[fn.name] = (params.index(got[0].id), params.index(attr.id) if isinstance(attr, ast.Name) else None)
    return out


def _pattern(expr: ast.expr, consts: dict[str, str]) -> str | None:
    """The dotted module names ``expr`` may spell, as a regular expression; None when no part of it
    is known (``import_module(name)``: any module at all)."""
    parts: list[str] = []
    known = False
    for piece in _pieces(expr):
        text = _text(piece, consts)
        if text is None:
            parts.append(r"\w+")
        else:
            parts.append(re.escape(text))
            known = known or any(c.isalpha() for c in text)
    return "".join(parts) if known else None


def _pieces(expr: ast.expr) -> list[ast.expr]:
    if isinstance(expr, ast.JoinedStr):
        return [v.value if isinstance(v, ast.FormattedValue) else v for v in expr.values]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _pieces(expr.left) + _pieces(expr.right)
    return [expr]


def _text(expr: ast.expr | None, consts: dict[str, str]) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.Name):
        return consts.get(expr.id)
    return None


def project_loads(project: Project) -> dict[str, tuple[Load, ...]]:
    """path -> the loads of each project file that calls ``import_module`` (test files aside; the
    word index names them, and they are parsed once per run)."""
    def compute() -> dict[str, tuple[Load, ...]]:
        out = {}
        words = project_words(project)
        for path in {os.path.normpath(p) for w in ("import_module", "__import__") for p in words.get(w, ())}:
            tree = None if in_tests(path, str(project.root)) else _tree(project, path)
            if tree is not None and (found := loads_of(tree)):
                out[path] = found
        return out

    return project.remember("plugin_loads", None, compute)


def _tree(project: Project, path: str) -> ast.Module | None:
    mod = project._load(path)
    return mod.tree if mod is not None and mod.parse() is not None else None


def module_tails(project: Project, path: str) -> tuple[str, ...]:
    """The dotted names a module may be imported by, longest first: ``("pkg.llms.claude",
    "llms.claude", "claude")`` for ``root/pkg/llms/claude.py`` (``__init__`` left out)."""
    return _dotted_tails(path, str(project.root))


@functools.lru_cache(maxsize=1 << 12)
def _dotted_tails(path: str, root: str) -> tuple[str, ...]:
    stem = os.path.splitext(os.path.relpath(path, root).replace(os.sep, "/"))[0].replace("/", ".")
    parts = [p for p in stem.split(".") if p != "__init__"]
    return tuple(".".join(parts[i:]) for i in range(len(parts)))


def loading_files(project: Project, callee_path: str) -> list[str]:
    """The files holding a load that may pick the module of ``callee_path``."""
    tails = module_tails(project, callee_path)
    return [p for p, loads in project_loads(project).items() if any(ld.loads(tails) for ld in loads)]


def plugin_function(project: Project, callee_path: str, function: str) -> bool:
    """``function`` is a module-level function of ``callee_path`` that a sibling module defines too,
    and the module is picked at run time (a load that may pick it) or handed around as a value
    (``{"claude": claude}``, ``run(claude)``): an interface, whose module a parameter may hold."""
    def compute() -> bool:
        folder, own = os.path.split(callee_path)
        defined = project.remember("plugin_folder_defs", folder, lambda: _folder_defs(project, folder))
        siblings = [os.path.join(folder, n) for n, names in defined.items() if n != own and function in names]
        if not siblings:
            return False
        for path in siblings:  # (a warm run asks again when a sibling changes)
            if (digest := project.digest_of(path)) is not None:
                project.deps[path] = digest
        tails = module_tails(project, callee_path)
        return any(ld.attr is None and ld.loads(tails) for loads in project_loads(project).values() for ld in loads) \
            or _used_as_value(project, callee_path)

    if "." in function:  # (a method: its module is not what a parameter holds)
        return False
    return remember_with_deps(project, "plugin_function", (callee_path, function), compute)


def _folder_defs(project: Project, folder: str) -> dict[str, frozenset[str]]:
    """file name -> the functions it defines at module level, for the ``.py`` files of ``folder`` (a
    byte scan, once per folder and run; a provider folder is small, so a large one is not read)."""
    try:
        names = sorted(n for n in os.listdir(folder or ".") if n.endswith(".py"))
    except OSError:
        return {}
    out = {}
    for name in names if len(names) <= _MAX_SIBLINGS else ():
        data = file_bytes(project, os.path.join(folder, name))
        if data is not None:
            out[name] = frozenset(w.decode("ascii", "replace") for w in _MODULE_DEF.findall(data))
    return out


_MAX_SIBLINGS = 64
_MODULE_DEF = re.compile(rb"^(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", re.M)


def _used_as_value(project: Project, callee_path: str) -> bool:
    """A project file imports the callee's module from its package (``from src.models import
    claude``) and uses it as a value: in a display, as an argument, or assigned."""
    stem = os.path.splitext(os.path.basename(callee_path))[0]
    package = os.path.basename(os.path.dirname(callee_path))
    for path in project_words(project).get(stem, ()):
        if in_tests(path, str(project.root)) or (tree := _tree(project, path)) is None:
            continue
        facts = facts_of(tree)
        bound = {a.asname or a.name for node in facts.imports if isinstance(node, ast.ImportFrom)
                 and (node.module or "").rpartition(".")[2] in (package, "") for a in node.names if a.name == stem}
        for name in facts.names:
            if isinstance(name, ast.Name) and name.id in bound and isinstance(name.ctx, ast.Load):
                up = facts.parents.get(id(name))
                if isinstance(up, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.keyword, ast.Assign)) or (
                        isinstance(up, ast.Call) and name in up.args):
                    return True
    return False


def param_receivers(tree: ast.Module, function: str) -> set[str]:
    """The parameters ``p`` of the functions of ``tree`` that call ``p.function(...)``."""
    facts = facts_of(tree)
    out = set()
    for call in facts.calls:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == function and isinstance(func.value, ast.Name)):
            continue
        node: ast.AST = call
        while id(node) in facts.parents and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node = facts.parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and func.value.id in {
                a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]}:
            out.add(func.value.id)
    return out


def plugin_refs(project: Project, tree: ast.Module, path: str, callee_path: str, function: str,
                modules: set[str], names: set[str]) -> None:
    """Add to ``modules`` / ``names`` how ``path`` reaches ``function`` of ``callee_path`` through run-time
    loads (its own, or a parameter it calls the function on). On the import lines alone (the file's
    stub, see :mod:`.importcheck`) a parameter cannot be seen: a placeholder keeps the file asked."""
    tails = module_tails(project, callee_path)
    for ld in project_loads(project).get(os.path.normpath(path), ()):
        if ld.loads(tails) and ld.attr in (None, function):
            (modules if ld.attr is None else names).add(ld.target)
    if not plugin_function(project, callee_path, function):
        return
    if not all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body):
        modules.update(param_receivers(tree, function))
    elif not modules and not names:
        modules.add("")  # (the file's import lines alone: its parameters are not in them)
