"""``self.model`` in a caller's argument: what the object was built with.

``class App: def __init__(self, model="claude-..."): self.model = model`` and later, in a method,
``Agent(model=self.model)``: the caller search (:mod:`.arguments`) evaluates the argument in the
calling method, where ``self`` is a parameter. When the class sets that attribute once, in
``__init__``, straight from one of its parameters, the attribute holds what the constructions of
the class pass for that parameter (its default for those that leave it out).
:func:`init_attribute` returns that value when every construction in the project gives the same
string (a :func:`choice` when they give several strings), else UNKNOWN (an unknown one, an attribute
set elsewhere).

``self.config.model`` where ``__init__`` stores a configuration object (``self.config = config or
Config()``, ``config: Config | None`` a parameter; ``self.config = Config(...)``): the value every
construction of that field class gives the field (:func:`..constructions.field_values`), when they
all agree. So does a caller's ``settings.model`` where ``settings: Settings`` is its parameter
(:func:`parameter_field`) or ``settings = get_settings()``, a function annotated ``-> Settings``
(:func:`returned_field`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, OpenDict, choice
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.init_attrs import init_assignment

Project = Any  # the project index (not imported: it sits above this module)
ValuesOf = Callable[..., Any]  # arguments.parameter_values, passed in by the caller search

__all__ = ["attribute_class", "init_attribute", "parameter_class", "parameter_field", "returned_field"]

def init_attribute(project: Project, path: str, tree: ast.Module, owner: str | None, attr: str,
                   values_of: ValuesOf) -> Any:
    """The one value of ``self.attr`` in method ``owner`` (``Class.method``) of the module ``tree``
    at ``path`` (see the module docstring), or UNKNOWN."""
    if not owner or owner.count(".") != 1:
        return UNKNOWN
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == owner.split(".")[0]), None)
    if cls is None:
        return UNKNOWN
    if "." in attr:
        return _object_field(project, path, tree, cls, values_of, *attr.split(".", 1))
    param, field = _init_param(cls, attr)
    if param is None:
        return UNKNOWN
    found = values_of(project, path, f"{cls.name}.__init__", frozenset({param}))
    given = [a.values.get(param, UNKNOWN) for a in found or ()]
    given = [v if v else UNKNOWN for v in given]  # (None or "": a fallback after ``or``, or no value)
    if field is not None:  # self.model = config.model: the field of what the constructions pass
        given = [v.get(field, UNKNOWN) if isinstance(v, dict) and not isinstance(v, OpenDict) else UNKNOWN
                 for v in given]
    values = list(dict.fromkeys(given))
    if not values or not all(isinstance(v, str) for v in values):
        return UNKNOWN
    return values[0] if len(values) == 1 else choice(values)  # the constructions disagree: one of theirs


def attribute_class(tree: ast.Module, owner: str | None, attr: str) -> str | None:
    """The class name ``self.attr`` holds in method ``owner`` when ``__init__`` sets it once, from
    ``Cls(...)`` or from a parameter annotated ``Cls`` (``self.tools = tools``, ``tools: ToolRunner``)."""
    if not owner or owner.count(".") != 1:
        return None
    cls = next((s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == owner.split(".")[0]), None)
    found = init_assignment(cls, attr) if cls is not None else None
    return _built_class(*found) if found is not None else None


def _object_field(project: Project, path: str, tree: ast.Module, cls: ast.ClassDef, values_of: ValuesOf,
                  attr: str, field: str) -> Any:
    """``self.attr.field``: the one value the constructions of ``self.attr``'s class give ``field``."""
    found = init_assignment(cls, attr)
    if found is None:
        return UNKNOWN
    init, value = found
    name = _built_class(init, value) or _factory_class(project, path, tree, value)
    if name is None:
        return UNKNOWN
    from pytest_tokenbudget.lint.constructions import field_values

    qualname = _class_qualname(project, path, tree, name)
    values = set(field_values(project, path, qualname, field, values_of) or [UNKNOWN]) if qualname else {UNKNOWN}
    return values.pop() if len(values) == 1 and isinstance(next(iter(values)), str) else UNKNOWN


def _built_class(init: ast.FunctionDef, value: ast.expr) -> str | None:
    """The class name of ``Config(...)``, ``config or Config()``, or ``config`` annotated
    ``Config`` / ``Optional[Config]`` / ``Config | None`` (a parameter of ``init``)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id
    built = None
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and len(value.values) == 2:
        value, fallback = value.values
        if not (isinstance(fallback, ast.Call) and isinstance(fallback.func, ast.Name)):
            return None
        built = fallback.func.id
    if not isinstance(value, ast.Name):
        return None
    arg = next((a for a in (*init.args.args, *init.args.kwonlyargs) if a.arg == value.id), None)
    note = _optional_of(arg.annotation) if arg is not None and arg.annotation is not None else None
    named = note.id if isinstance(note, ast.Name) else None
    return named if built is None or named == built else None


def _factory_class(project: Project, path: str, tree: ast.Module, value: ast.expr) -> str | None:
    """``Config`` for ``Config.load()`` when that classmethod (of a class of this module, or of the
    project module it is imported from) only ever returns ``cls(...)``."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)):
        return None
    name, method = value.func.value.id, value.func.attr
    found = _defined(project, path, tree, name, (ast.ClassDef,))
    cls = found[2] if found is not None else None
    fn = next((st for st in (cls.body if cls is not None else []) if isinstance(st, ast.FunctionDef)
               and st.name == method and any(isinstance(d, ast.Name) and d.id == "classmethod"
                                             for d in st.decorator_list)), None)
    if fn is None or not fn.args.args:
        return None
    first = fn.args.args[0].arg
    built = {n.targets[0].id for n in walk(fn) if isinstance(n, ast.Assign) and len(n.targets) == 1
             and isinstance(n.targets[0], ast.Name) and _calls(n.value, first)}
    returns = [n.value for n in walk(fn) if isinstance(n, ast.Return)]
    ok = returns and all(r is not None and (_calls(r, first) or isinstance(r, ast.Name) and r.id in built)
                         for r in returns)
    return value.func.value.id if ok else None


def _calls(node: Any, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _optional_of(node: ast.expr) -> ast.expr | None:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Optional":
        return node.slice
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [n for n in (node.left, node.right) if not (isinstance(n, ast.Constant) and n.value is None)]
        return sides[0] if len(sides) == 1 else None
    return node


def parameter_field(project: Project, path: str, tree: ast.Module, fn: ast.FunctionDef | ast.AsyncFunctionDef | None,
                    name: str, field: str, values_of: ValuesOf) -> Any:
    """``settings.claude_model`` where ``settings`` is a parameter of ``fn`` annotated with a field
    class of the project (``settings: Settings``, a dataclass or pydantic model): the one value (or
    the :func:`choice` of the strings) its constructions give ``field``; else UNKNOWN."""
    spelled = parameter_class(fn, name)
    return _class_field(project, path, tree, spelled, field, values_of) if spelled else UNKNOWN


def returned_field(project: Project, path: str, tree: ast.Module, value: Any, field: str, values_of: ValuesOf) -> Any:
    """``settings.claude_model`` where ``settings = get_settings()`` and that project function is
    annotated to return a field class (``-> Settings``): what its constructions give ``field``, as
    for a parameter (a factory with a branch per mode returns one of several objects of the class)."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute))):
        return UNKNOWN
    found = _defined(project, path, tree, ast.unparse(value.func), (ast.FunctionDef, ast.AsyncFunctionDef))
    note = _optional_of(found[2].returns) if found is not None and found[2].returns is not None else None
    if found is None or not isinstance(note, (ast.Name, ast.Attribute)):
        return UNKNOWN
    return _class_field(project, found[0], found[1], ast.unparse(note), field, values_of)


def _class_field(project: Project, path: str, tree: ast.Module, spelled: str, field: str, values_of: ValuesOf) -> Any:
    """What the constructions of the class ``spelled`` (as module ``path`` names it) give ``field``."""
    from pytest_tokenbudget.lint.constructions import field_values

    qualname = _class_qualname(project, path, tree, spelled)
    values = list(dict.fromkeys(field_values(project, path, qualname, field, values_of) or [UNKNOWN])) \
        if qualname else [UNKNOWN]
    if not all(isinstance(v, str) for v in values):
        return UNKNOWN
    return values[0] if len(values) == 1 else choice(values)


def _class_qualname(project: Project, path: str, tree: ast.Module, spelled: str) -> str | None:
    """The class ``spelled`` as :func:`..constructions.field_values` names it from module ``path``:
    undotted for a class of that module, else the dotted name it is imported by."""
    if any(isinstance(s, ast.ClassDef) and s.name == spelled for s in tree.body):
        return spelled
    mod = project._load(path)
    first, _, rest = spelled.partition(".")
    imported = mod.imports.get(first) if mod is not None else None
    return (f"{imported}.{rest}" if rest else imported) if imported else None


def _defined(project: Project, path: str, tree: ast.Module, spelled: str,
             kinds: tuple[type, ...]) -> tuple[str, ast.Module, Any] | None:
    """``(module path, its tree, the definition)`` of the top-level class or function ``spelled``
    names in the module at ``path`` (``tree``): its own, else the project module it is imported from."""
    own = next((s for s in tree.body if isinstance(s, kinds) and s.name == spelled), None)
    if own is not None:
        return path, tree, own
    mod = project._load(path)
    first, _, rest = spelled.partition(".")
    dotted = mod.imports.get(first) if mod is not None else None
    found = project._find_module(f"{dotted}.{rest}" if rest else dotted, path) if dotted else None
    if found is None or len(found[1]) != 1 or (other := project._load(found[0])) is None \
            or (where := other.parse()) is None:
        return None
    node = next((s for s in where.body if isinstance(s, kinds) and s.name == found[1][0]), None)
    return (found[0], where, node) if node is not None else None


def parameter_class(fn: ast.FunctionDef | ast.AsyncFunctionDef | None, name: str) -> str | None:
    """The class a parameter of ``fn`` is annotated with (``target: Target``, ``Optional[Target]``,
    ``Target | None``, ``mod.Target``), as written."""
    a = fn.args if fn is not None else None
    arg = next((p for p in (*a.posonlyargs, *a.args, *a.kwonlyargs) if p.arg == name), None) if a else None
    note = _optional_of(arg.annotation) if arg is not None and arg.annotation is not None else None
    spelled = ast.unparse(note) if isinstance(note, (ast.Name, ast.Attribute)) else None
    return spelled if spelled and spelled.rsplit(".", 1)[-1][:1].isupper() else None


def _init_param(cls: ast.ClassDef, attr: str) -> tuple[str | None, str | None]:
    """The ``__init__`` parameter ``self.attr`` is set from, when that is the class's one
    assignment of the attribute, and the field read from it (``self.model = config.model``: ``model``;
    ``self.model = model``: None). ``self.model = model or config.MODEL`` counts as ``model``: what a
    construction passes, when it passes a value (a falsy one is left unknown)."""
    found = init_assignment(cls, attr)
    value = found[1] if found is not None else None
    field = None
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):  # self.model = model or config.MODEL:
        value = value.values[0]  # the parameter when a construction gives a value (checked in init_attribute)
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        value, field = value.value, value.attr
    if found is None or not isinstance(value, ast.Name):
        return None, None
    params = {a.arg for a in (*found[0].args.posonlyargs, *found[0].args.args, *found[0].args.kwonlyargs)}
    return (value.id, field) if value.id in params and value.id != "self" else (None, None)
