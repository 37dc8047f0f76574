"""Loops in callers: where a function that sends a request is called once per item.

TB401 sees a loop around the call in the same function; real code loops in a caller, often in
another module (``for doc in tqdm(docs): summarize(doc)``, a comprehension over the eval set,
``ThreadPoolExecutor.map(ask, rows)``, ``asyncio.gather(*[ask(x) for x in rows])``,
``df.iterrows()``). :func:`loop_callers` finds them through the project index:

* a word index (identifier -> files that call or ``map`` it), built once per run from the
  project's ``.py`` files by a byte regex, then only the files naming the function are parsed;
* a caller counts when it calls the function by its name (imported from the defining module, or
  ``module.f``), or ``self.f`` in the same file for a method, or passes it to ``map``/``submit``,
  inside a ``for`` loop or a comprehension;
* not when the iterations depend on each other or are not a batch of items: a loop that feeds the
  result back (``history.append(r)``), retries (``attempt``/``retry`` names, ``range(max_...)``),
  sweeps over models or parameters, interactive loops (``input()``), loops that ``break``, or a
  function memoised by a cache decorator (repeats are free).
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.source import FileError, read_file

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["LoopCaller", "build_word_index", "loop_callers"]

_SKIP_DIRS = frozenset({".git", ".venv", "venv", "env", "node_modules", "site-packages", "__pycache__", "build",
                        "dist", ".tox", ".nox", ".mypy_cache", ".tokenbudget_cache"})
_CALLED = re.compile(rb"\b(\w+)\s*\(")
_PASSED = re.compile(rb"[(,]\s*(?:\w+\.)?(\w+)(?=\s*[,)])")  # f passed as an argument: g(rows, f)
_MAPPED = re.compile(rb"(?:map|submit|imap|imap_unordered|starmap|apply_async)\(\s*(?:[\w.]+\.)?(\w+)")
_SWEEP = re.compile(r"model|temp|param|config|setting|provider|max_tokens|top_p|engine|variant|llm", re.I)
_SWEEP_ITER = re.compile(r"models|temperatures|params|parameters|configs\b|settings|providers|variants|engines", re.I)
_BATCHED = re.compile(r"batch|chunk", re.I)  # the helper already sends several items per request
_RETRY = re.compile(r"retr|attempt|tries|backoff", re.I)
_MAP_METHODS = frozenset({"map", "submit", "imap", "imap_unordered", "starmap", "apply_async"})
_MAX_FILES = 50_000


@dataclass(frozen=True)
class LoopCaller:
    path: str
    line: int  # the loop's line
    kind: str  # "for loop" / "comprehension" / "map"
    over: str  # the iterable's source text (short)


def build_word_index(root: str, markers: tuple[str, ...] = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
                     ) -> dict[str, list[str]]:
    """identifier -> the project's ``.py`` files that call it or pass it to ``map``/``submit``."""
    index: dict[str, list[str]] = {}
    n = 0
    if not any(os.path.exists(os.path.join(root, m)) for m in markers) or os.path.dirname(root) == root:
        return index  # not a project (a scratch folder, /tmp, /): no caller search
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
        for name in files:
            if not name.endswith(".py"):
                continue
            n += 1
            if n > _MAX_FILES:
                return index
            path = os.path.join(folder, name)
            got = read_file(path)  # never blocks on a FIFO or a device; skips what is not a regular file
            if isinstance(got, FileError) or got[1].st_size > 2 << 20:
                continue
            data = got[0]
            words = set(_CALLED.findall(data)) | set(_MAPPED.findall(data)) | set(_PASSED.findall(data))
            for w in words:
                index.setdefault(w.decode("ascii", "replace"), []).append(path)
    return index


def _memoised(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        text = ast.unparse(target).lower()
        if "cache" in text or "memo" in text:
            return True
    return False


def _find_def(tree: ast.Module, function: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    parts = function.split(".")
    body: list[ast.stmt] = tree.body
    found = None
    for p in parts:
        found = next((s for s in body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and s.name == p), None)
        if found is None:
            return None
        body = found.body
    return found if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _module_names(project: Project, callee_path: str, caller_path: str) -> set[str]:
    """How ``caller_path`` may name the module of ``callee_path`` (its dotted tails)."""
    stem = os.path.splitext(os.path.relpath(callee_path, project.root))[0].replace(os.sep, ".")
    parts = [p for p in stem.split(".") if p != "__init__"]
    return {".".join(parts[i:]) for i in range(len(parts))}


def loop_callers(project: Project, callee_path: str, function: str, depth: int = 0,
                 seen: set[tuple[str, str]] | None = None) -> list[LoopCaller]:
    """The loops (in any project file) that call ``function`` (``f`` or ``Class.m``) of ``callee_path``,
    directly or through up to two plain (loop-free) calling functions."""
    seen = set() if seen is None else seen
    if (callee_path, function) in seen or depth > 2:
        return []
    seen.add((callee_path, function))
    callee = project._load(callee_path)
    if callee is None or callee.parse() is None or callee.tree is None:
        return []
    fn = _find_def(callee.tree, function)
    if fn is None or _memoised(fn):
        return []
    name = function.rsplit(".", 1)[-1]
    if project.word_index is None:
        project.word_index = build_word_index(project.root)
    method = "." in function
    out: list[LoopCaller] = []
    plain: list[tuple[str, str]] = []
    paths = list(dict.fromkeys([callee_path, *project.word_index.get(name, [])]))
    for path in paths:
        path = os.path.normpath(path)
        same = os.path.abspath(path) == os.path.abspath(callee_path)
        if not same and _test_or_live_file(os.path.relpath(path, project.root)):
            continue  # a test suite or a request handler looping: not production batch work
        mod = project._load(path)
        if mod is None or mod.parse() is None or mod.tree is None:
            continue
        imported = name if not method else function.split(".")[0]
        if not same and not _imports_function(mod.tree, imported, _module_names(project, callee_path, path)):
            continue  # obj.m(...) elsewhere counts only where the class or its module is imported
        out.extend(_loops_calling(mod.tree, path, name, method and same, fn, plain))
    if not out:
        for path, caller in plain[:5]:
            out.extend(loop_callers(project, path, caller, depth + 1, seen))
    return out


def _imports_function(tree: ast.Module, name: str, modules: set[str]) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = (node.module or "").lstrip(".")
            if any(a.name == name for a in node.names) and (
                    not mod or mod in modules or any(m.endswith("." + mod) or mod.endswith("." + m) for m in modules)):
                return True
            if any(".".join(filter(None, [mod, a.name])) in modules for a in node.names):
                return True  # from pkg import module; module.f(...)
        if isinstance(node, ast.Import) and any(a.name in modules for a in node.names):
            return True
    return False


def _refers(node: ast.expr, name: str, method: bool) -> bool:
    """``node`` names the function: ``f`` / ``mod.f`` / ``obj.f``; a method in its own file: ``self.f``."""
    if method:
        return isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name) \
            and node.value.id in ("self", "cls")
    return (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name
                                                              and isinstance(node.value, ast.Name))


def _loops_calling(tree: ast.Module, path: str, name: str, method: bool,
                   callee: ast.FunctionDef | ast.AsyncFunctionDef, plain: list[tuple[str, str]]) -> list[LoopCaller]:
    out: list[LoopCaller] = []
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _refers(node.func, name, method):
            hit = _enclosing_loop(node, parents, callee)
        elif isinstance(node.func, ast.Name) and not method and _passed_to(node, name):
            hit = _loop_over_parameter(tree, path, node, name, callee)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _MAP_METHODS \
                and node.args and _refers(node.args[0], name, method):
            over = ast.unparse(node.args[1])[:40] if node.func.attr == "map" and len(node.args) > 1 else ""
            hit = LoopCaller(path, node.lineno, "map", over) if node.func.attr != "submit" else \
                _enclosing_loop(node, parents, callee)
        else:
            continue
        if hit is not None and _live(node, parents, hit.kind):
            continue
        if hit is None:
            owner = _owner(node, parents)
            if owner and (path, owner) not in plain:
                plain.append((path, owner))
            continue
        if hit is not None:
            hit = LoopCaller(path, hit.line, hit.kind, hit.over)
            if hit not in out:
                out.append(hit)
    return out


_TEST_OR_LIVE = re.compile(r"(^|/)(tests?|testing|routes|views|handlers|endpoints|api)/|(^|/)(test_[^/]*|[^/]*_test|"
                           r"conftest)\.py$")
_ROUTE = re.compile(r"\.(route|get|post|put|patch|delete|websocket|on_event|message|command)$|handler|lambda", re.I)


def _test_or_live_file(rel: str) -> bool:
    return bool(_TEST_OR_LIVE.search(rel.replace(os.sep, "/")))


def _live(node: ast.AST, parents: dict[int, ast.AST], kind: str) -> bool:
    """The loop serves a live request (a route / handler, or a sequential loop in async code), or runs
    under a library's batching context (``with batchify(): ...``): not a batch candidate."""
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
                "batch" in ast.unparse(i.context_expr).lower() for i in node.items):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decos = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
            if any(_ROUTE.search(d) for d in decos) or _ROUTE.search(node.name):
                return True
            if isinstance(node, ast.AsyncFunctionDef) and kind == "for loop":
                return True
    return False


def _owner(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """``f`` or ``Class.m`` of the function holding ``node`` (None at module level / nested defs)."""
    names: list[str] = []
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Lambda):
            return None
    if not names or isinstance(node, ast.ClassDef) or len(names) > 2:
        return None
    return ".".join(reversed(names))


def _enclosing_loop(call: ast.Call, parents: dict[int, ast.AST],
                    callee: ast.FunctionDef | ast.AsyncFunctionDef) -> LoopCaller | None:
    node: ast.AST = call
    while id(node) in parents:
        parent = parents[id(node)]
        if parent is callee:
            return None  # recursion
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return None
        if isinstance(parent, ast.While):
            if _RETRY.search(ast.unparse(parent.test)):
                node = parent  # a retry loop inside the per-item loop: look further out
                continue
            return None
        if isinstance(parent, (ast.For, ast.AsyncFor)) and node is not parent.iter:
            if _RETRY.search(ast.unparse(parent.target)) or _RETRY.search(ast.unparse(parent.iter)):
                node = parent
                continue
            return _judge_for(parent, call)
        if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            gen = parent.generators[0]
            if _sweep_or_batched(ast.unparse(gen.target), gen.iter, call):
                return None
            return LoopCaller("", parent.lineno, "comprehension", ast.unparse(gen.iter)[:40])
        node = parent
    return None


def _sweep_or_batched(target: str, it: ast.expr, call: ast.Call) -> bool:
    """A sweep over models / parameters, or a loop over chunks the helper sends in one request
    (an argument named ``batch``/``chunk``, or a slice ``items[i:i + n]``)."""
    over = ast.unparse(it)
    if _SWEEP.search(target) or _SWEEP_ITER.search(over):
        return True
    for a in [*call.args, *(k.value for k in call.keywords)]:
        if _BATCHED.search(ast.unparse(a)) or (isinstance(a, ast.Subscript) and isinstance(a.slice, ast.Slice)):
            return True
    if isinstance(it, (ast.List, ast.Tuple)) and it.elts and all(isinstance(e, ast.Constant) for e in it.elts):
        return all(isinstance(e.value, (int, float)) or str(e.value).startswith(("claude", "gpt")) for e in it.elts)
    return False


def _passed_to(call: ast.Call, name: str) -> bool:
    return any(_refers(a, name, False) for a in [*call.args, *(k.value for k in call.keywords)])


def _loop_over_parameter(tree: ast.Module, path: str, call: ast.Call, name: str,
                         callee: ast.FunctionDef | ast.AsyncFunctionDef) -> LoopCaller | None:
    """``g(items, f)``: a loop in ``g`` (same file) that calls or maps the parameter ``f`` is bound to."""
    assert isinstance(call.func, ast.Name)
    g = _find_def(tree, call.func.id)
    if g is None or g is callee:
        return None
    params = [a.arg for a in [*g.args.posonlyargs, *g.args.args]]
    param = next((params[i] for i, a in enumerate(call.args) if _refers(a, name, False) and i < len(params)), None)
    param = param or next((k.arg for k in call.keywords if _refers(k.value, name, False)), None)
    if param is None:
        return None
    inner = ast.Module(body=[g], type_ignores=[])
    found = _loops_calling(inner, path, param, False, callee, [])
    return found[0] if found else None


def _exits(body: list[ast.stmt]) -> bool:
    """A ``return``, or a ``break`` of this loop (not of a nested one), in a loop body."""
    stack: list[tuple[ast.AST, bool]] = [(s, False) for s in body]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, ast.Return) or (isinstance(node, ast.Break) and not nested):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        inner = nested or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((c, inner) for c in ast.iter_child_nodes(node))
    return False


def _judge_for(loop: ast.For | ast.AsyncFor, call: ast.Call) -> LoopCaller | None:
    target, over = ast.unparse(loop.target), ast.unparse(loop.iter)
    if _sweep_or_batched(target, loop.iter, call):
        return None
    body = ast.Module(body=loop.body, type_ignores=[])
    if _exits(loop.body):
        return None
    assigned: set[str] = set()
    for n in ast.walk(body):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "input":
            return None
        if isinstance(n, ast.Assign) and any(c is call for c in ast.walk(n.value)):
            assigned.update(t.id for t in n.targets if isinstance(t, ast.Name))
    arg_names = {n.id for a in [*call.args, *(k.value for k in call.keywords)] for n in ast.walk(a)
                 if isinstance(n, ast.Name)}
    if assigned & arg_names:
        return None  # the request reads the previous response
    for n in ast.walk(body):  # history.append(response): a conversation
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend") \
                and isinstance(n.func.value, ast.Name) and n.func.value.id in arg_names \
                and any(isinstance(x, ast.Name) and x.id in assigned for a in n.args for x in ast.walk(a)):
            return None
    return LoopCaller("", loop.lineno, "for loop", over[:40])
