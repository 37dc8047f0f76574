"""How a file names a project function: the :mod:`ast` helpers of the caller searches (the loops in
callers, :mod:`.callers`; the values callers pass, :mod:`.callsearch`): the project's one import
resolution for "does this file reach that function".

* :class:`Refs` — the local names, module aliases or method receivers under which a file reaches a
  function (imports anywhere in the file, re-bindings, re-exports: :func:`exporters`);
* :func:`base_methods` — the interface methods a method implements (a caller holding the base runs it);
* :func:`resolve_function` — the project function a call names (``g``, ``mod.g``, ``self.g``, star-imported);
* small tree helpers (parents, definitions, owners), shared by the search and its callers.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.aliases import aliases, operands
from pytest_tokenbudget.lint.astwalk import Facts, facts_of, walk
from pytest_tokenbudget.lint.plugins import module_tails, plugin_refs
from pytest_tokenbudget.lint.receivers import (annotated_factories, factories, helper_params, names_class, self_aliases,
                                               typed_names)
from pytest_tokenbudget.lint.statements import statements_of

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["Def", "Facts", "Refs", "base_methods", "class_at", "exporters", "facts_of", "find_def",
           "imported_factories", "module_stem", "owner_of", "param_of", "parents_of", "refs_for", "rel_path",
           "resolve_function", "same_file", "test_file", "test_or_live_file", "tree_of"]

Def = ast.FunctionDef | ast.AsyncFunctionDef
# test suites, and the web layer's folders (a loop there answers a request); other live code is
# recognised by its functions (routes, request parameters, handlers looping over the request's items)
_TEST_OR_LIVE = re.compile(r"(^|/)(tests?|testing|routes|views|endpoints)/|(^|/)(test_[^/]*|[^/]*_test|"
                           r"conftest)\.py$")


def tree_of(project: Project, path: str) -> ast.Module | None:
    mod = project._load(path)
    if mod is None or mod.parse() is None:
        return None
    return mod.tree


def parents_of(tree: ast.Module) -> dict[int, ast.AST]:
    return facts_of(tree).parents


def find_def(tree: ast.Module, function: str) -> Def | None:
    """``f``, ``Class.m``, or a def nested in one (``f.inner``; inside its ``try`` / ``if`` / ``with`` too).
    A module-level name is looked for among the module's own statements first, then inside its
    blocks (``if __name__ == "__main__":`` defining ``async def main()``), where it must be defined
    once: branches that each define their own ``api`` do not say which one a caller means."""
    body: list[ast.stmt] = tree.body
    found: ast.stmt | None = None
    for i, p in enumerate(function.split(".")):
        inside = isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef))
        found = next((s for s in (_block_defs(body) if inside else body) if isinstance(
            s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and s.name == p), None)
        if found is None and i == 0:
            defs = [s for s in _block_defs(body)
                    if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == p]
            found = defs[0] if len(defs) == 1 else None
        if found is None:
            return None
        body = found.body
    return found if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _block_defs(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for st in body:
        yield st
        if isinstance(st, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)):
            for block in (st.body, getattr(st, "orelse", []), getattr(st, "finalbody", []),  # (``with`` has no else)
                          *(h.body for h in getattr(st, "handlers", []))):
                yield from _block_defs(block)


def owner_of(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """``f`` or ``Class.m`` of the function holding ``node`` (None at module level, in a lambda, a
    nested function or a nested class)."""
    chain: list[ast.AST] = []
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            chain.append(node)
        elif isinstance(node, ast.Lambda):
            return None
    if not chain or isinstance(chain[0], ast.ClassDef) or len(chain) > 2 \
            or (len(chain) == 2 and not isinstance(chain[1], ast.ClassDef)):
        return None
    return ".".join(n.name for n in reversed(chain))  # type: ignore[attr-defined]


def outer_owner(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """``f`` / ``Class.m`` of the module-level function or method that holds ``node``, through any
    nested functions and lambdas (``def _work(): ...`` handed to a thread inside ``f``)."""
    chain = [n for n in _ancestors(node, parents) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    while chain and not (len(chain) == 1 and not isinstance(chain[-1], ast.ClassDef) or len(chain) == 2
                         and isinstance(chain[-1], ast.ClassDef) and not isinstance(chain[-2], ast.ClassDef)):
        chain.pop(0)
    return ".".join(n.name for n in reversed(chain)) if chain else None  # type: ignore[attr-defined]


def closure_owner(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """``f.inner`` for ``node`` in a function ``inner`` that a module-level function ``f`` defines
    and returns (a closure a factory hands out: ``def make_labeler(m): def label(t): ...; return
    label``), else None."""
    chain = [n for n in _ancestors(node, parents) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                                     ast.Lambda))]
    if len(chain) != 2 or not all(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in chain) \
            or not isinstance(parents.get(id(chain[1])), ast.Module):
        return None
    inner, outer = chain[0].name, chain[1].name  # type: ignore[union-attr]
    returned = any(isinstance(n, ast.Return) and isinstance(n.value, ast.Name) and n.value.id == inner
                   for n in walk(chain[1]))
    return f"{outer}.{inner}" if returned else None


def _ancestors(node: ast.AST, parents: dict[int, ast.AST]) -> list[ast.AST]:
    out = []
    while id(node) in parents:
        node = parents[id(node)]
        out.append(node)
    return out


def rel_path(project: Project, path: str) -> str:
    root = str(project.root)
    if os.path.isabs(path) and os.path.isabs(root):  # then no working directory is involved
        return _rel_abs(path, root)
    return os.path.relpath(path, root).replace(os.sep, "/")


@functools.lru_cache(maxsize=1 << 16)
def _rel_abs(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def test_or_live_file(project: Project, path: str) -> bool:
    rel = rel_path(project, path)
    return bool(_TEST_OR_LIVE.search(rel)) and (bool(_LIVE_OR_TEST_DIR.search(rel)) or _holds_tests(project, path))


def test_file(project: Project, path: str) -> bool:
    """A test suite's file: in a ``tests/`` folder, a ``conftest.py``, or named like a test module
    (``test_*.py``, ``*_test.py``) and holding tests. A ``test_runner.py`` whose ``TestRunner`` the
    application imports, with no test in it, is production code."""
    rel = rel_path(project, path)
    return bool(_TEST_NAME.search(rel)) and (bool(_LIVE_OR_TEST_DIR.search(rel)) or _holds_tests(project, path))


_TEST_NAME = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_tests?|conftest|tests?)\.py$")
_LIVE_OR_TEST_DIR = re.compile(r"(^|/)(tests?|testing|routes|views|endpoints)/|(^|/)conftest\.py$")
_TEST_MARKS = (b"def test", b"pytest", b"unittest")


def _holds_tests(project: Project, path: str) -> bool:
    mod = project._load(path)
    data = mod.data if mod is not None else b""
    return not data or any(m in data for m in _TEST_MARKS)


def same_file(a: str, b: str) -> bool:
    return a == b or _absolute(a) == _absolute(b)


def _absolute(path: str) -> str:
    return _normed(path) if os.path.isabs(path) else os.path.abspath(path)


_normed = functools.lru_cache(maxsize=1 << 16)(os.path.normpath)  # abspath of an absolute path


# ------------------------------------------------------------------------------ modules and names
def _dotted(node: ast.ImportFrom, name: str | None = None) -> str:
    prefix = "." * node.level + (node.module or "")
    if name is None:
        return prefix
    return f"{prefix}{name}" if prefix and set(prefix) == {"."} else f"{prefix}.{name}" if prefix else name


@functools.lru_cache(maxsize=1 << 14)
def module_stem(path: str) -> str:
    """The last component of the module ``path`` holds: ``x`` for ``.../x.py`` and ``.../x/__init__.py``."""
    base = os.path.splitext(os.path.basename(path))[0]
    return os.path.basename(os.path.dirname(path)) if base == "__init__" else base


def _is_module(project: Project, dotted: str, from_path: str, callee_path: str) -> bool:
    """``dotted`` (seen from ``from_path``) is the module of ``callee_path``."""
    tail = dotted.rsplit(".", 1)[-1]
    if tail and tail != module_stem(callee_path):
        return False  # every way below names the callee by its own last component: a cheap no first
    found = project._find_module(dotted, from_path)
    if found is not None and not found[1] and same_file(found[0], callee_path):
        return True
    if not dotted.startswith("."):  # a script's own folder comes first on sys.path (a Lambda, a tool)
        stem = os.path.join(os.path.dirname(from_path), *dotted.split("."))
        if same_file(stem + ".py", callee_path) or same_file(os.path.join(stem, "__init__.py"), callee_path):
            return True
    if found is not None:
        return False
    tails = module_tails(project, callee_path)
    mod = dotted.lstrip(".")
    return bool(mod) and (mod in tails or any(t.endswith("." + mod) or mod.endswith("." + t) for t in tails))


@dataclass
class Refs:
    """How one file names the function: local names, module aliases, or a method on receivers."""

    names: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    attr: str = ""  # the function's / method's own name
    method: bool = False
    self_only: bool = False  # a method in its own file: self.m / cls.m / an instance made here
    receivers: set[str] = field(default_factory=set)
    imported_modules: set[str] = field(default_factory=set)  # names ``import x`` binds: never an instance

    def refers(self, node: ast.expr) -> bool:
        if not self.method:
            return (isinstance(node, ast.Name) and node.id in self.names) or (
                isinstance(node, ast.Attribute) and node.attr == self.attr and (
                    node.value.id in self.modules if isinstance(node.value, ast.Name)
                    else isinstance(node.value, ast.Attribute) and ast.unparse(node.value) in self.modules))
        if self.attr == "__call__":  # ``sampler(msgs)``: an instance called, made here or typed by the class
            return isinstance(node, (ast.Name, ast.Attribute)) and ast.unparse(node) in self.receivers
        if not isinstance(node, ast.Attribute) or node.attr != self.attr:
            return False
        recv = node.value
        if isinstance(recv, ast.Call) and isinstance(recv.func, (ast.Name, ast.Attribute)) \
                and ast.unparse(recv.func) in self.names:  # ``Bot().ask(doc)``: an instance made in place,
            return True  # or handed out by a lazy getter (``self._get_bot().ask(doc)``)
        if self.self_only:
            return (isinstance(recv, ast.Name) and recv.id in ("self", "cls")) or ast.unparse(recv) in self.receivers
        if isinstance(recv, ast.Name) and recv.id in self.imported_modules:
            return False  # asyncio.run(...) is not Summarizer.run
        return isinstance(recv, ast.Name) or (isinstance(recv, ast.Attribute) and isinstance(recv.value, ast.Name))


def refs_for(project: Project, tree: ast.Module, path: str, callee_path: str, function: str) -> Refs | None:
    """How ``path`` names ``function`` of ``callee_path`` (None: it does not import it)."""
    head, _, meth = function.partition(".")
    refs = Refs(attr=meth or head, method=bool(meth))
    if same_file(path, callee_path):
        refs.names.add(head)
        refs.self_only = refs.method
        if refs.method:  # def run(extractor, chunk): extractor.extract_chunk(chunk) beside the class
            refs.receivers.update(helper_params(tree, head) | self_aliases(tree, head))
    else:
        for node in statements_of(tree).imports:
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    if a.name in ("*", head) and _is_module(project, _dotted(node), path, callee_path):
                        refs.names.add(head if a.name == "*" else a.asname or a.name)
                    elif a.name == head and any(_is_module(project, _dotted(node), path, w) for w in exporters(
                            project, callee_path, head)):  # the package re-exports the function, not its module
                        refs.names.add(a.asname or a.name)
                    elif a.name != "*" and _is_module(project, _dotted(node, a.name), path, callee_path):
                        refs.modules.add(a.asname or a.name)
            elif isinstance(node, ast.Import):  # import pkg.mod: called as pkg.mod.f(...)
                refs.modules.update(a.asname or a.name for a in node.names if _is_module(project, a.name, path, callee_path))
        if not refs.names and not refs.modules:
            ways = exporters(project, callee_path, head)
            refs.names.update(a.asname or a.name for node in statements_of(tree).imports if ways
                              and isinstance(node, ast.ImportFrom) for a in node.names
                              if a.name == head and any(_is_module(project, _dotted(node), path, w) for w in ways))
        if not refs.method:  # llm = import_module(f"llms.{provider}"), or a module handed on as a parameter
            plugin_refs(project, tree, path, callee_path, head, refs.modules, refs.names)
        if not refs.names and not refs.modules and refs.method:  # adapter = create_adapter(...): a factory elsewhere
            stub = all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)  # (.importcheck's import
            refs.names.update(imported_factories(project, tree, path, head, imports_only=stub))  # lines: no assigns)
        if not refs.names and not refs.modules:
            return None
        refs.imported_modules = {(a.asname or a.name).split(".")[0] for n in statements_of(tree).imports
                                 if isinstance(n, ast.Import) for a in n.names} - refs.modules
    if refs.method:  # _get_llm().generate(q): a module function made or annotated to return the class
        refs.names |= factories(tree, set(refs.names)) | annotated_factories(tree, set(refs.names))
    aliases(tree, refs)
    if meth == "__call__" or refs.self_only:  # (elsewhere any ``x.m`` / ``x.y.m`` counts for a method)
        refs.receivers.update(typed_names(tree, refs, head))
    return refs


_MAX_EXPORT_LEVELS = 3  # package __init__ files above a module that may re-export its names


def exporters(project: Project, callee_path: str, name: str) -> tuple[str, ...]:
    """The ``__init__.py`` files of the packages above ``callee_path`` that re-export its ``name``
    (``from .base import Provider`` in ``providers/__init__.py``, and the package above in turn),
    through which ``from pkg.providers import Provider`` reaches it; once per run and name."""
    return project.remember("exporters", (callee_path, name), lambda: _exporters(project, callee_path, name))


def _exporters(project: Project, callee_path: str, name: str) -> tuple[str, ...]:
    found: list[str] = []
    folder = os.path.dirname(callee_path)
    if os.path.basename(callee_path) == "__init__.py":
        folder = os.path.dirname(folder)
    for _ in range(_MAX_EXPORT_LEVELS):
        init = os.path.join(folder, "__init__.py")
        tree = tree_of(project, init) if os.path.isfile(init) else None
        if tree is None:
            break
        if any(isinstance(node, ast.ImportFrom) and any(a.name == name and a.asname in (None, name) for a in node.names)
               and any(_is_module(project, _dotted(node), init, src) for src in [callee_path, *found])
               for node in statements_of(tree).imports):
            found.append(init)
        parent = os.path.dirname(folder)
        if parent == folder or not _absolute(parent).startswith(_absolute(project.root)):
            break
        folder = parent
    return tuple(found)


_MAX_BASE_LEVELS = 3  # ancestors looked at above a method's class (Claude -> APIProvider -> Provider)


def base_methods(project: Project, path: str, tree: ast.Module, function: str) -> list[tuple[str, str]]:
    """``(file, "Base.m")`` for each project ancestor class of ``Cls`` (in ``Cls.m``) that declares
    ``m`` too, abstract or not: a caller holding a ``Base`` (a provider interface) runs ``Cls.m``."""
    head, _, meth = function.partition(".")
    if not meth or "." in meth:
        return []
    out: list[tuple[str, str]] = []
    level: list[tuple[str, ast.Module, str]] = [(path, tree, head)]
    seen = {(path, head)}
    for _ in range(_MAX_BASE_LEVELS):
        above: list[tuple[str, ast.Module, str]] = []
        for file, module, name in level:
            cls = next((s for s in module.body if isinstance(s, ast.ClassDef) and s.name == name), None)
            for base in cls.bases if cls is not None else []:
                found = class_at(project, file, module, base.id) if isinstance(base, ast.Name) else None
                if found is None or (found[0], found[2]) in seen:
                    continue
                seen.add((found[0], found[2]))
                above.append(found)
                if find_def(found[1], f"{found[2]}.{meth}") is not None:
                    out.append((found[0], f"{found[2]}.{meth}"))
        level = above
    return out


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def class_at(project: Project, path: str, tree: ast.Module, name: str, hops: int = _MAX_EXPORT_LEVELS,
              kinds: tuple[type, ...] = (ast.ClassDef,)) -> tuple[str, ast.Module, str] | None:
    """The file, tree and name of the project class (or, with ``kinds``, function) ``name`` names:
    defined in ``tree`` or imported (through the packages that re-export it, up to ``hops`` of them)."""
    if any(isinstance(s, kinds) and s.name == name for s in tree.body):
        return path, tree, name
    for node in statements_of(tree).imports:
        if not isinstance(node, ast.ImportFrom):
            continue
        real = next((a.name for a in node.names if (a.asname or a.name) == name), None)
        hit = project._find_module(_dotted(node, real), path) if real is not None else None
        if hit is None or hit[1] != [real] or same_file(hit[0], path):
            continue
        other = tree_of(project, hit[0])
        if other is not None:
            return class_at(project, hit[0], other, real, hops - 1, kinds) if hops > 0 else None
    return None


def imported_factories(project: Project, tree: ast.Module, path: str, cls: str,
                       bases: frozenset[str] = frozenset(), imports_only: bool = False) -> set[str]:
    """The functions ``tree`` imports and calls into a variable (``adapter = create_adapter(...)``), or
    calls a method on at once (``build_grader(spec).grade(case)``), that hand out an instance of the
    class named ``cls``: annotated to return it (``-> ModelAdapter``, an interface) or one of its
    project ``bases``, or returning ``cls(...)`` in their own module
    (``adapters/factory.py``, maybe re-exported by its package). With ``imports_only`` every such
    function it imports (the question :func:`.importcheck.importing` asks of a file's import lines)."""
    imported = {a.asname or a.name for n in statements_of(tree).imports if isinstance(n, ast.ImportFrom)
                for a in n.names}
    made = {ast.unparse(v.func) for n in statements_of(tree).assigns for v in operands(n.value)  # llm or make_llm()
            if isinstance(v, ast.Call) and (isinstance(v.func, ast.Name) or isinstance(f := v.func, ast.Attribute)
                                            and isinstance(f.value, ast.Name))}
    # adapter = create_adapter(...); self.client = ClientFactory.create_client(...)
    made |= {n.func.value.func.id for n in facts_of(tree).calls if isinstance(n.func, ast.Attribute) and isinstance(
        n.func.value, ast.Call) and isinstance(n.func.value.func, ast.Name)}  # build_grader(spec).grade(case)
    out: set[str] = set()
    for name in imported if imports_only else {m for m in made if m.split(".")[0] in imported}:
        head, _, meth = name.partition(".")
        found = class_at(project, path, tree, head, kinds=_DEFS + (ast.ClassDef,))
        if found is None or same_file(found[0], path):
            continue
        made_there = factories(found[1], {cls})
        if not meth and find_def(found[1], found[2]) is None:  # an imported class: one of its methods a factory
            if imports_only and any(q.startswith(f"{found[2]}.") for q in made_there):
                out.add(name)
            continue
        qual = f"{found[2]}.{meth}" if meth else found[2]
        fn = find_def(found[1], qual)
        if fn is not None and (any(names_class(fn.returns, c) for c in (cls, *bases)) or qual in made_there):
            out.add(name)
    return out


# ------------------------------------------------------------------------------ functions called
def resolve_function(project: Project, path: str, tree: ast.Module, func: ast.expr,
                     parents: dict[int, ast.AST]) -> tuple[str, Def, str] | None:
    """The project function a call's ``func`` names: ``g`` (defined here or imported, ``*`` too),
    ``mod.g`` (an imported module), ``self.g`` (a method of the enclosing class or one it inherits
    from a project base class)."""
    if isinstance(func, ast.Name):
        local = find_def(tree, func.id)
        if local is not None:
            return path, local, func.id
        for node in statements_of(tree).imports:
            if not isinstance(node, ast.ImportFrom):
                continue
            for a in node.names:
                if a.name == "*" or (a.asname or a.name) == func.id:
                    hit = _def_at(project, _dotted(node, func.id if a.name == "*" else a.name), path)
                    if hit is not None:
                        return hit
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id in ("self", "cls"):
            node: ast.AST = func
            while id(node) in parents and not isinstance(node, ast.ClassDef):
                node = parents[id(node)]
            if isinstance(node, ast.ClassDef):
                qual = f"{node.name}.{func.attr}"
                found = find_def(tree, qual)
                if found is not None:
                    return path, found, qual
                base = next(iter(base_methods(project, path, tree, qual)), None)  # inherited: self._retry(f)
                if base is None:
                    return None
                base_tree = tree_of(project, base[0])
                base_def = find_def(base_tree, base[1]) if base_tree is not None else None
                return (base[0], base_def, base[1]) if base_def is not None else None
            return None
        for node in statements_of(tree).imports:
            if isinstance(node, ast.Import):
                dotted = next((a.name for a in node.names if (a.asname or a.name) == func.value.id), None)
            elif isinstance(node, ast.ImportFrom):
                dotted = next((_dotted(node, a.name) for a in node.names if (a.asname or a.name) == func.value.id),
                              None)
            else:
                continue
            if dotted is not None:
                return _def_at(project, f"{dotted}.{func.attr}", path)
    return None


def _def_at(project: Project, dotted: str, from_path: str) -> tuple[str, Def, str] | None:
    """The function ``pkg.mod.f`` names: ``f`` defined in the module file of ``pkg.mod``, or in the
    module that file imports it from (``from .svc import f`` in ``pkg/__init__.py``: :func:`class_at`)."""
    found = project._find_module(dotted, from_path)
    if found is None or len(found[1]) != 1:
        return None
    file, (name,) = found
    tree = tree_of(project, file)
    at = class_at(project, file, tree, name, kinds=_DEFS) if tree is not None else None
    fn = find_def(at[1], at[2]) if at is not None else None
    return (at[0], fn, at[2]) if at is not None and fn is not None else None


def param_of(fn: Def, call: ast.Call, refs: Refs, method: bool) -> str | None:
    """The parameter of ``fn`` that ``call`` binds the referenced function to."""
    params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    if method and params and params[0] in ("self", "cls"):
        params = params[1:]
    for i, a in enumerate(call.args):
        if refs.refers(a) and not refs.method:
            return params[i] if i < len(params) else None
    return next((k.arg for k in call.keywords if k.arg and refs.refers(k.value) and not refs.method), None)


