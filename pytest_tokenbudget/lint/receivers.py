"""Names that hold an instance of a project class in one file, beyond ``x = Cls(...)`` (which
:func:`.callnames.refs_for` reads itself): parameters and variables annotated with the class, and
what a module function that returns one hands out. A caller search reaches a method through them
(``sampler(msgs)``; ``backend = get_backend(name)`` then ``backend.generate(q)`` per question), also
when the factory is imported from another module (:func:`.callnames.imported_factories`)."""

from __future__ import annotations

import ast
import weakref
from typing import Any

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.statements import statements_of

__all__ = ["annotated_factories", "factories", "helper_params", "lazy_getters", "names_class", "self_aliases",
           "typed_names"]


def factories(tree: ast.Module, classes: set[str]) -> set[str]:
    """The module's functions with a ``return Cls(...)`` of one of ``classes`` (a factory choosing a
    backend by name: an instance of the class is one of the things it returns), and the methods of
    its classes that do so, as ``Factory.create`` (``ClientFactory.create_client(provider)``, a
    static method picking the client), and the module's functions returning what one of those
    returns (``get_provider()`` returning ``_build_provider(...)``)."""
    returned = _returned(tree)
    found = {fn for fn, made in returned.items()  # (not a method of one of the classes itself)
             if not made.isdisjoint(classes) and ("." not in fn or fn.partition(".")[0] not in classes)}
    while more := {fn for fn, made in returned.items()
                   if "." not in fn and fn not in found and not made.isdisjoint(found)}:
        found |= more
    return found


_RETURNED: weakref.WeakKeyDictionary[ast.Module, dict[str, frozenset[str]]] = weakref.WeakKeyDictionary()


def _returned(tree: ast.Module) -> dict[str, frozenset[str]]:
    """The names ``Cls`` of every ``return Cls(...)`` in each module-level function and each method
    of a module-level class (``Factory.create``), and of every class a ``return PROVIDERS[name](...)``
    may make from a registry of the module (:func:`_class_tables`): one walk per parsed tree, asked
    for class after class by the caller searches (the entry goes with the tree when the tree budget
    releases it)."""
    found = _RETURNED.get(tree)
    if found is not None:
        return found

    tables = _class_tables(tree)
    out: dict[str, frozenset[str]] = {}
    for st in tree.body:
        defs = [(st.name, st)] if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) else \
            [(f"{st.name}.{m.name}", m) for m in st.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))] \
            if isinstance(st, ast.ClassDef) else []
        for name, fn in defs:  # (a name defined twice: what either definition returns)
            out[name] = out.get(name, frozenset()) | _made(fn, tables)
    _RETURNED[tree] = out
    return out


def _made(fn: ast.AST, tables: dict[str, frozenset[str]]) -> frozenset[str]:
    """The classes ``fn`` returns an instance of: ``return Cls(...)``, or one picked from a registry
    of ``tables`` (``return PROVIDERS[name](...)``, ``cls = PROVIDERS.get(name); return cls()``)."""
    picked = {a.targets[0].id: a.value for a in walk(fn) if isinstance(a, ast.Assign) and len(a.targets) == 1
              and isinstance(a.targets[0], ast.Name) and _table_of(a.value, tables) is not None}
    out: set[str] = set()
    for n in walk(fn):
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Call):
            func = n.value.func
            func = picked.get(func.id, func) if isinstance(func, ast.Name) else func
            out |= {func.id} if isinstance(func, ast.Name) else _table_of(func, tables) or set()
    return frozenset(out)


def _class_tables(tree: ast.Module) -> dict[str, frozenset[str]]:
    """The module's registries of classes by name (``PROVIDERS = {"anthropic": AnthropicProvider,
    ...}``): each dict whose values are all plain names, with those names."""
    out = {}
    for st in tree.body:
        target = st.targets[0] if isinstance(st, ast.Assign) and len(st.targets) == 1 else \
            st.target if isinstance(st, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and isinstance(st.value, ast.Dict) and st.value.values \
                and all(isinstance(v, ast.Name) for v in st.value.values):
            out[target.id] = frozenset(v.id for v in st.value.values)  # type: ignore[union-attr]
    return out


def _table_of(expr: ast.expr, tables: dict[str, frozenset[str]]) -> frozenset[str] | None:
    """The classes of the registry ``expr`` picks from (``PROVIDERS[name]``, ``PROVIDERS.get(name)``)."""
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        return tables.get(expr.value.id)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" \
            and isinstance(expr.func.value, ast.Name):
        return tables.get(expr.func.value.id)
    return None


def registry_factories(tree: ast.Module, decorator: str, cls: str) -> set[str]:
    """The module's functions that make an instance from a registry its class decorator ``decorator``
    fills (``@register("claude") class ClaudeProvider``, ``def register(name): def deco(c):
    REGISTRY[name] = c``; then ``def get_provider(name): return REGISTRY[name]()``): each may hand
    out ``cls``, which that decorator registers."""
    deco = next((st for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and st.name == decorator), None)
    filled = {t.value.id for n in walk(deco) if isinstance(n, ast.Assign) for t in n.targets
              if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)} if deco is not None else set()
    if not filled:
        return set()
    tables = {name: frozenset({cls}) for name in filled}
    return {st.name for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
            and st is not deco and cls in _made(st, tables)}


def annotated_factories(tree: ast.Module, classes: set[str]) -> set[str]:
    """The module's functions annotated to return one of ``classes`` (``def create_provider(name) ->
    VisionProvider:`` picking a subclass from a registry: what it returns is one of them)."""
    return {st.name for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any(names_class(st.returns, c) for c in classes)}


def names_class(ann: ast.expr | None, cls: str) -> bool:
    """``-> Cls``, ``-> Optional[Cls]``, ``-> "Cls"``, ``-> mod.Cls``."""
    return ann is not None and any(isinstance(n, ast.Name) and n.id == cls or isinstance(n, ast.Attribute)
                                   and n.attr == cls or isinstance(n, ast.Constant) and n.value == cls
                                   for n in walk(ann))


def helper_params(tree: ast.Module, cls: str) -> set[str]:
    """The parameters of the module-level functions of the class's own file that are untyped or typed
    with the class: a helper beside the class takes the instance (``def extract_chunk_multi(extractor,
    chunk): extractor.extract_chunk(chunk)``), as a file importing the class may call it on any name."""
    return {a.arg for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
            for a in [*st.args.posonlyargs, *st.args.args, *st.args.kwonlyargs]
            if a.annotation is None or names_class(a.annotation, cls)}


def self_aliases(tree: ast.Module, cls: str) -> set[str]:
    """Names a method of the module-level class ``cls`` binds to ``self`` (``transport = self``): a
    nested handler class or function calls the instance's methods through them
    (``transport._on_payload(body)`` in the ``do_POST`` of an ``http.server`` handler made in ``run``)."""
    return {t.id for st in tree.body if isinstance(st, ast.ClassDef) and st.name == cls for n in walk(st)
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and n.value.id == "self"
            for t in n.targets if isinstance(t, ast.Name)}


def typed_names(tree: ast.Module, refs: Any, cls: str) -> set[str]:
    """Parameters, variables and properties annotated with the class ``refs`` names (``sampler:
    SamplerBase``, ``Optional[...]`` and ``"..."`` forms too): the instances a ``__call__``, or a
    method beside its class, is reached through."""
    def annotated_with(ann: ast.expr) -> bool:
        for n in walk(ann):
            if isinstance(n, ast.Name) and n.id in refs.names or isinstance(n, ast.Attribute) and isinstance(
                    n.value, ast.Name) and n.value.id in refs.modules and n.attr == cls:
                return True
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.strip() in refs.names:
                return True
        return False

    out = {name for ann, name in _annotated(tree) if annotated_with(ann)}
    for node in statements_of(tree).assigns:  # self.llm = llm, the parameter typed by the class
        if len(node.targets) == 1 and isinstance(node.value, ast.Name) and node.value.id in out:
            out.add(ast.unparse(node.targets[0]))
    return out


_ANNOTATED: weakref.WeakKeyDictionary[ast.Module, list[tuple[ast.expr, str]]] = weakref.WeakKeyDictionary()


def _annotated(tree: ast.Module) -> list[tuple[ast.expr, str]]:
    """(annotation, the name it types) for each annotated parameter, variable (a class-level field
    also as ``self.<field>``) and property (``self.<property>``) of the module: one walk per tree,
    asked for class after class."""
    found = _ANNOTATED.get(tree)
    if found is not None:
        return found
    out: list[tuple[ast.expr, str]] = []
    for node in walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            out.append((node.annotation, node.arg))
        elif isinstance(node, ast.AnnAssign):
            out.append((node.annotation, ast.unparse(node.target)))
            if isinstance(node.target, ast.Name):  # a class-level field: self.llm(...) in its methods
                out.append((node.annotation, f"self.{node.target.id}"))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None and any(
                isinstance(d, ast.Name) and d.id in ("property", "cached_property") for d in node.decorator_list):
            out.append((node.returns, f"self.{node.name}"))  # @property def client(self) -> ClaudeClient
    _ANNOTATED[tree] = out
    return out


def lazy_getters(tree: ast.Module, receivers: set[str]) -> set[str]:
    """``self.m`` for each method of the module's classes whose every ``return`` hands back one of
    ``receivers`` (``self._provider``, made by ``self._provider = get_provider()``): the lazy getter
    ``def _get_provider(self): if self._provider is None: ...; return self._provider``."""
    return {m for m, returned in _self_returns(tree).items() if returned <= receivers}


_SELF_RETURNS: weakref.WeakKeyDictionary[ast.Module, dict[str, frozenset[str]]] = weakref.WeakKeyDictionary()


def _self_returns(tree: ast.Module) -> dict[str, frozenset[str]]:
    """``self.m`` -> the ``self.x`` its every ``return`` hands back, for the methods of the module's
    classes that return only attributes of ``self`` (one walk per tree, asked per search)."""
    found = _SELF_RETURNS.get(tree)
    if found is None:
        found = {}
        for cls in (st for st in tree.body if isinstance(st, ast.ClassDef)):
            for fn in (m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))):
                returned = [n.value for n in walk(fn) if isinstance(n, ast.Return) and n.value is not None]
                if returned and all(isinstance(v, ast.Attribute) and isinstance(v.value, ast.Name)
                                    and v.value.id == "self" for v in returned):
                    found[f"self.{fn.name}"] = frozenset(ast.unparse(v) for v in returned)
        _SELF_RETURNS[tree] = found
    return found
