"""Call sites of a project function: where ``f``, ``Class.m`` or ``Class(...)`` is called.

The one caller search of the values-passed analysis (:mod:`.arguments`; the model ids of
:mod:`.analysis.model_sources` go through it too). Uses the word index of :mod:`.callers` (only the
files whose text calls the name are parsed) and the import resolution of :mod:`.callnames`
(:func:`~.callnames.refs_for`): a call in another file counts where the function, its class, a
function of its module (a factory: ``get_client().complete(...)``) or a base class of its class is
imported. The caller's signature check (``accepts``) weeds out same-named methods of other
classes. Test files are left out: they call with stubs and mocks.

What it costs on a big tree: a candidate whose bytes never spell the callee module's name as a
word (nor a base class's) cannot import it and is not parsed; one parsed only to learn that it
does not import it keeps its imports, not its tree (:mod:`.importcheck`); in a file that does,
only the lines naming the function are walked (:mod:`.callwalk`); the search is made once per
function and run.
"""

from __future__ import annotations

import ast
import os
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.word_index import project_words
from pytest_tokenbudget.lint.callnames import Refs, base_methods, exporters, find_def, imported_factories, refs_for, \
    same_file, test_file, tree_of
from pytest_tokenbudget.lint.callwalk import NamedCall, has_word, named_calls, word_chars
from pytest_tokenbudget.lint.factory_modules import factory_files, factory_functions, project_bases
from pytest_tokenbudget.lint.importcheck import file_bytes, importing
from pytest_tokenbudget.lint.injected import injected_calls
from pytest_tokenbudget.lint.protocols import imported_protocols, protocols_declaring
from pytest_tokenbudget.lint.runforms import RUNNERS, handed_call
from pytest_tokenbudget.lint.statements import statements_of
from pytest_tokenbudget.lint.subclass_inits import defines_init, inherits_init, subclasses_of, super_init_calls
from pytest_tokenbudget.lint.tree_budget import on_release

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["FoundCall", "field_class", "find_calls"]

# tests/ and test/ folders, test_*.py, *_test.py, *_tests.py (unit_tests.py), tests.py, conftest.py
_FROM_DOT = re.compile(rb"\bfrom[\s\\]+\.+[\s\\]*import")  # from . import f / from .. import *


@dataclass(frozen=True)
class FoundCall:
    """A call of a project function (``f``, ``Class.m``; ``Class.__init__``: a constructor call)."""

    path: str
    call: ast.Call
    tree: ast.Module
    owner: str | None  # ``f`` / ``Class.m`` of the function holding the call (None: module level or nested)
    in_function: bool = False  # inside a function or lambda (a nested one when ``owner`` is None)
    handed: ast.Call | None = None  # ``pool.submit(f, a, b)``: the call ``f`` gets, ``f(a, b)`` (see _runs)

    @property
    def sent(self) -> ast.Call:
        """The call as the function receives it: its arguments are what it is passed."""
        return self.handed or self.call


def find_calls(project: Project, callee_path: str, function: str,
               accepts: Callable[[ast.Call], bool] = lambda _: True) -> list[FoundCall]:
    """The calls of ``function`` of ``callee_path`` across the project (test files left out): by its
    name where it is imported (a method: ``self.m`` in its file, ``obj.m`` where the class, its module
    or a base class is imported), kept when ``accepts`` (the caller's signature check) agrees. The
    search is made once per function and run (the values asked of it differ, its callers do not)."""
    found = project.remember("found_calls", (callee_path, function),
                             lambda: _find_calls(project, callee_path, function))
    return [c for c in found if accepts(c.sent)]


def _find_calls(project: Project, callee_path: str, function: str) -> list[FoundCall]:
    callee = project._load(callee_path)
    if callee is None or callee.parse() is None or callee.tree is None or (
            find_def(callee.tree, function) is None and field_class(callee.tree, function) is None
            and not inherits_init(callee.tree, function)):
        return []
    head, _, inner = function.rpartition(".")
    if head and (outer := find_def(callee.tree, head)) is not None:  # a def nested in f (or C.m): called there
        return [FoundCall(callee_path, n, callee.tree, head, True) for n in walk(outer) if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Name) and n.func.id == inner]
    parts = function.split(".")
    ctor = parts[-1] == "__init__"
    method = len(parts) > 1 and not ctor
    name = parts[0] if ctor else parts[-1]
    imported = [parts[0]]  # the function, or its class
    bases: set[str] = set()
    cls = next((s for s in callee.tree.body if isinstance(s, ast.ClassDef) and s.name == parts[0]), None)
    if cls is not None and method:  # obj.m(...): obj may be typed by a base class, or made by a factory
        bases = {b.id if isinstance(b, ast.Name) else b.attr for b in cls.bases
                 if isinstance(b, (ast.Name, ast.Attribute))}
        imported += [s.name for s in callee.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
        imported += protocols_declaring(callee.tree, name)  # obj typed by a Protocol the class implements
        bases |= {n for _, n in imported_protocols(project, callee.tree, callee_path, name)}  # (its interface module's)
    index = project_words(project)
    needles = _needles(callee_path, bases)
    made = factory_functions(project, callee_path, parts[0]) if method and cls is not None else ()
    ways = [*exporters(project, callee_path, parts[0]),  # Provider re-exported, or a factory's module
            *(factory_files(project, callee_path, parts[0]) if made else ())]
    for way in ways:  # (or from .adapters.factory import create_adapter: a factory module's)
        more = _needles(way, set())
        needles = None if needles is None or more is None else [*needles, *more]
    out: list[FoundCall] = []
    later: list[FoundCall] = []  # matched by the method's name alone (a base class, a factory): after the rest
    for path in dict.fromkeys([callee_path, *index.get(name, [])]):
        path = os.path.normpath(path)
        same = same_file(path, callee_path)
        if not same and test_file(project, path):
            continue  # tests call with stubs and mocks: not what production sends
        if not same and not _may_import(project, path, needles):
            continue  # its text never names the callee's module nor a base class: nothing to parse
        got = importing(project, path, lambda t, p=path: _imported(project, t, p, callee_path, imported, bases,
                                                                  bool(made)))
        if got is None:
            continue
        tree, refs = got
        words = frozenset({name, *refs.names, *(["cls"] if ctor and same else [])})
        data = file_bytes(project, path) if not path.endswith(".ipynb") else None
        for found in named_calls(tree, data, words):
            node, owner = found.call, found.owner
            if _names(node.func, name, refs, method, same, parts[0]) \
                    or (ctor and same and _cls_call(node, owner, name)):
                (later if refs == Refs() else out).append(FoundCall(path, node, tree, owner, found.in_function))
        for found, handed in _runs(tree, data) if not ctor else ():  # pool.submit(f, a, b): f(a, b) in a worker
            if _names(handed.func, name, refs, method, same, parts[0]):  # (after the direct calls)
                later.append(FoundCall(path, found.call, tree, found.owner, found.in_function, handed))
        if ctor and cls is not None:
            out += _through_subclasses(project, path, tree, refs)
    out += later  # (the searches follow a dozen callers per function: the surest first)
    if method and cls is not None:  # Base.complete_json's self.complete(...): run on the subclass too
        out += [c for c in _inherited_self_calls(project, callee_path, callee.tree, cls, name)
                if not any(f.call is c.call for f in out)]
    if method and cls is not None:  # an instance handed to another class's constructor (.injected)
        makers = [p for p in dict.fromkeys([callee_path, *index.get(parts[0], [])])
                  if same_file(p, callee_path) or not test_file(project, p)
                  and _may_import(project, os.path.normpath(p), needles)]  # it must import the class to make one
        out += [FoundCall(i.path, i.call, i.tree, i.owner, True) for i in injected_calls(project, makers, parts[0], name)
                if not any(f.call is i.call for f in out)]
    return out


def _inherited_self_calls(project: Project, path: str, tree: ast.Module, cls: ast.ClassDef,
                          name: str) -> list[FoundCall]:
    """``self.name(...)`` in the methods ``cls`` inherits from a project base class that declares
    ``name`` (a template method: ``LLMClient.complete_json`` calls the abstract ``self.complete``
    with a JSON instruction appended): on an instance of ``cls`` those calls run ``cls.name``."""
    own = {s.name for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    out: list[FoundCall] = []
    for base_path, base_method in base_methods(project, path, tree, f"{cls.name}.{name}"):
        base_tree = tree_of(project, base_path)
        base = next((s for s in base_tree.body if isinstance(s, ast.ClassDef)
                     and s.name == base_method.split(".")[0]), None) if base_tree is not None else None
        for fn in base.body if base is not None else ():
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name in own or not fn.args.args:
                continue
            me = fn.args.args[0].arg
            out += [FoundCall(base_path, n, base_tree, f"{base.name}.{fn.name}", True) for n in walk(fn)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == name
                    and isinstance(n.func.value, ast.Name) and n.func.value.id == me]
    return out


_RUNS: weakref.WeakKeyDictionary[ast.Module, list[tuple[NamedCall, ast.Call]]] = weakref.WeakKeyDictionary()


def _runs(tree: ast.Module, data: bytes | None) -> list[tuple[NamedCall, ast.Call]]:
    """The calls in ``tree`` that run a function they are handed (``pool.submit(f, a, b)``), each with
    the call it makes of it (:func:`.runforms.handed_call`), found once per tree: every search for a
    function of the project asks the same file."""
    if tree not in _RUNS:
        _RUNS[tree] = [(found, handed) for found in named_calls(tree, data, RUNNERS)
                       if (handed := handed_call(found.call)) is not None]
    return _RUNS[tree]


def _through_subclasses(project: Project, path: str, tree: ast.Module, refs: Refs) -> list[FoundCall]:
    """The base's constructor run by the subclasses ``path`` defines: their ``super().__init__(...)``
    calls, and the constructions of those that inherit ``__init__`` (:mod:`.subclass_inits`)."""
    out: list[FoundCall] = []
    busy: set[tuple[str, str]] = project.__dict__.setdefault("subclass_search_busy", set())
    for sub in subclasses_of(tree, refs.refers):
        out += [FoundCall(path, n, tree, f"{sub.name}.__init__", True) for n in super_init_calls(sub)]
        key = (path, sub.name)
        if defines_init(sub) is None and key not in busy:
            busy.add(key)
            try:
                out += find_calls(project, path, f"{sub.name}.__init__")
            finally:
                busy.discard(key)
    return out


@on_release
def _forget_found(project: Project, trees: set[int]) -> None:
    """Drop the searches that found a call in a tree being released (the next asks again)."""
    project.forget_where("found_calls", lambda found: any(id(c.tree) in trees for c in found))


def field_class(tree: ast.Module, function: str) -> ast.ClassDef | None:
    """For ``Cls.__init__`` of a module-level class declared by its fields (no ``__init__`` of its
    own, annotated fields: a dataclass, a pydantic model), the class."""
    head, _, rest = function.partition(".")
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == head), None)
    if rest != "__init__" or cls is None or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                                                and s.name == "__init__" for s in cls.body):
        return None
    return cls if any(isinstance(s, ast.AnnAssign) for s in cls.body) else None


_Needle = tuple[bytes, re.Pattern[bytes]] | re.Pattern[bytes]


def _needles(callee_path: str, bases: set[str]) -> list[_Needle] | None:
    """What a file's bytes must hold to import the callee (see :func:`_imported`): the last
    component of its module's name as a word (every absolute or relative import of it spells
    that; a package's ``__init__`` is also reached by ``from . import f``), or a base class's
    name. None: no cheap test (a name that is not ASCII may be spelt in another encoding)."""
    base = os.path.splitext(os.path.basename(callee_path))[0]
    stem = os.path.basename(os.path.dirname(callee_path)) if base == "__init__" else base
    if not stem.isascii() or not all(b.isascii() for b in bases):
        return None
    out: list[_Needle] = [(w.encode(), re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(w.encode()) + rb"(?![A-Za-z0-9_])"))
                          for w in [stem, *sorted(bases)]]
    return [*out, _FROM_DOT] if base == "__init__" else out


def _may_import(project: Project, path: str, needles: list[_Needle] | None) -> bool:
    """Whether the bytes of ``path`` may import the callee (False only when they hold no needle;
    in a notebook's JSON a word may follow an escape such as ``\\n``: there the bytes suffice)."""
    notebook = path.endswith(".ipynb")
    if needles is None or (notebook and _FROM_DOT in needles):
        return True  # a notebook's JSON may split ``from \\`` / ``. import`` over two strings
    data = file_bytes(project, path)
    if data is None:
        return True  # what the project index makes of it is its own call
    return any(n.search(data) if isinstance(n, re.Pattern) else n[0] in data and (
        notebook or (has_word(data, n[0]) if word_chars(n[0]) else n[1].search(data) is not None)) for n in needles)


def _cls_call(node: ast.Call, owner: str | None, name: str) -> bool:
    """``cls(...)`` in a classmethod of the class (``from_env``): a constructor call."""
    return isinstance(node.func, ast.Name) and node.func.id == "cls" and (owner or "").startswith(name + ".")


def _imported(project: Project, tree: ast.Module, path: str, callee_path: str, names: list[str],
              bases: set[str], factories_elsewhere: bool = False) -> Refs | None:
    """How ``path`` names the function or its class (the first of ``names``); None when it imports
    none of ``names`` from the callee's module, nor one of ``bases`` from anywhere, nor a factory of
    the class from another module (``factories_elsewhere``: there are some)."""
    refs = refs_for(project, tree, path, callee_path, names[0])
    if refs is not None:
        return refs
    if any(refs_for(project, tree, path, callee_path, n) is not None for n in names[1:]) or (bases and any(
            isinstance(n, ast.ImportFrom) and any(a.name in bases for a in n.names)
            for n in statements_of(tree).imports)) or (
            factories_elsewhere and imported_factories(project, tree, path, names[0], project_bases(
                project, callee_path, names[0]), imports_only=True)):
        return Refs()  # a factory or a base class: a method call is recognised by its name
    return None


def _names(func: ast.expr, name: str, refs: Refs, method: bool, same: bool, cls: str = "") -> bool:
    """The call's ``func`` names the function: ``f`` / ``mod.f`` / ``Cls`` as the file imports it;
    a method: ``obj.m`` (in its own file on a name, ``self.m``, ``client.m``, or on an instance of
    the class made in place, ``Desk().ask(...)``)."""
    if not method:
        return refs.refers(func)
    recv = func.value if isinstance(func, ast.Attribute) else None
    made_here = isinstance(recv, ast.Call) and isinstance(recv.func, ast.Name) and recv.func.id == cls
    return isinstance(func, ast.Attribute) and func.attr == name and (not same or isinstance(recv, ast.Name)
                                                                      or made_here) \
        and not (isinstance(recv, ast.Name) and recv.id in refs.imported_modules)  # not asyncio.run
