"""``self.method(...)`` in code the project index evaluates (a caller's argument, a helper's body).

The :mod:`.evaluate` evaluator knows module-level names and functions; a method called through
``self`` was unknown. Two kinds of method matter to the rules and are read here, the method found
by its name among the module's classes (defined once, so which class ``self`` is does not matter):

* a method returning a per-call value (``def _now(self): return datetime.now().strftime("%H:%M")``),
  called without arguments: the volatile value (TB104; nothing else is taken from it);
* a method returning a prompt (``def chunk_prompt(self, i, n): return header + self.base_prompt()``),
  its arguments bound to its parameters: the text, when it is prompt-sized
  (:data:`PROMPT_MIN_CHARS`), as the resolver reads a same-file helper's
  prompt (:func:`.analysis.scopes.factory_client`). A method calling itself, directly or not, stays unknown.
"""

from __future__ import annotations

import ast
import weakref
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Text, Unknown, choice
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.config_values import own_returns
from pytest_tokenbudget.lint.init_attrs import static_attribute

__all__ = ["bind_arguments", "self_method", "returns"]

_FN = (ast.FunctionDef, ast.AsyncFunctionDef)
PROMPT_MIN_CHARS = 40  # as analysis.scopes.PROMPT_HELPER_MIN_CHARS (not imported: that module loads libcst)
_ACTIVE: set[tuple[str, str]] = set()
_METHODS: weakref.WeakKeyDictionary[ast.Module, dict[str, list[Any]]] = weakref.WeakKeyDictionary()


def self_method(project: Any, mod: Any, name: str, node: ast.Call, args: list[Any], kw: dict[str, Any]) -> Any:
    """What ``self.name(...)`` gives the rules (see the module doc), or None."""
    key = (mod.path, name)
    if key in _ACTIVE or any(isinstance(a, ast.Starred) for a in node.args):
        return None
    fn = _method(mod, name)
    if fn is None:
        return None
    bound = bind_arguments(fn, args, kw, method=True)
    if bound is None:
        return None
    _ACTIVE.add(key)
    try:
        if not node.args and not node.keywords:
            value, deps = project.remember("self_method", key, lambda: _tracked(project, mod, fn))
            project.deps.update(deps)  # a check served from the memo depends on the same files
        else:
            value = returns(project, mod, fn, bound)
    finally:
        _ACTIVE.discard(key)
    if isinstance(value, Unknown):
        return value if value.volatile and not node.args and not node.keywords else None
    return value if _size(value) >= PROMPT_MIN_CHARS else None


def _size(value: Any, depth: int = 0) -> int:
    """The static characters every candidate of ``value`` has (a choice of texts: its shortest)."""
    if isinstance(value, str):
        return len(value.strip())
    if not isinstance(value, Text) or depth > 4:
        return 0
    out = 0
    for p in value.parts:
        if isinstance(p, str):
            out += len(p.strip())
        elif getattr(p, "options", None):
            out += min(_size(o, depth + 1) for o in p.options)
    return out


def _tracked(project: Any, mod: Any, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[Any, dict[str, str]]:
    """The method's value and the files (with digests) its evaluation read."""
    outer, project.deps = project.deps, {mod.path: mod.digest}
    try:
        value = returns(project, mod, fn, {})
    finally:
        mine, project.deps = project.deps, outer
    return value, mine


def returns(project: Any, mod: Any, fn: ast.FunctionDef | ast.AsyncFunctionDef, bound: dict[str, Any]) -> Any:
    """What ``fn`` returns with ``bound`` parameters (the others unknown): a per-call value when every
    return gives one (``values.choice`` keeps no unknown), else one of the returns; None without one."""
    rets = own_returns(fn)
    if not rets or any(r.value is None for r in rets):
        return None
    ev = project._evaluator(mod, {**project._locals(fn), **bound})
    tree = mod.parse()
    cls = next((c for c in tree.body if isinstance(c, ast.ClassDef) and fn in c.body), None) if tree else None
    if cls is not None:  # self.prompt_dir, set once in a module-level class's __init__ from a static path
        ev.self_attr = lambda chain: static_attribute(project, mod, cls, chain) if "." not in chain else UNKNOWN
    values = [ev.expr(r.value) for r in rets]
    if all(isinstance(v, Unknown) and v.volatile for v in values):
        return values[0]
    return choice(values)


def _method(mod: Any, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    tree = mod.parse()
    if tree is None:
        return None
    defs = _methods_of(tree).get(name, [])
    if len(defs) != 1 or not defs[0].args.args or any(
            isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in defs[0].decorator_list):
        return None
    return defs[0]


def _methods_of(tree: ast.Module) -> dict[str, list[Any]]:
    """Every method of every class in the tree, by name: walked once per tree, not once per
    ``self.name(...)`` asked about (a module with many such calls was walked hundreds of times)."""
    found = _METHODS.get(tree)
    if found is None:
        found = {}
        for cls in walk(tree):
            if isinstance(cls, ast.ClassDef):
                for st in cls.body:
                    if isinstance(st, _FN):
                        found.setdefault(st.name, []).append(st)
        _METHODS[tree] = found
    return found


def bind_arguments(fn: ast.FunctionDef | ast.AsyncFunctionDef, args: list[Any], kw: dict[str, Any], *,
                   method: bool) -> dict[str, Any] | None:
    """The call's evaluated arguments by parameter name (a method's ``self`` left out; keywords the
    signature does not name are dropped when ``**kwargs`` takes them), or None when the call does
    not fit the signature (too many positional arguments, an unknown keyword)."""
    a = fn.args
    positional = [p.arg for p in [*a.posonlyargs, *a.args]][1 if method else 0:]
    if len(args) > len(positional) and a.vararg is None:
        return None
    named = {p.arg for p in [*a.args, *a.kwonlyargs]}
    if any(k not in named for k in kw) and a.kwarg is None:
        return None
    return {**dict(zip(positional, args)), **{k: v for k, v in kw.items() if k in named}}
