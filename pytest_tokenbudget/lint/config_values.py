"""Values real code keeps in configuration: env defaults, settings objects, field defaults.

A model id (or any other request value) is rarely a literal at the call. It is the default of an
environment variable (``os.getenv("MODEL", "claude-...")``: what runs when the variable is unset),
a field of a settings object (``settings = Settings()`` with ``MODEL: str = "claude-..."``, a
pydantic ``BaseSettings``, a dataclass, ``Field(default=...)``), or ``model or DEFAULT_MODEL``.
These helpers give the :class:`~.evaluate.Evaluator` and the project index (:mod:`.project`) those
values; anything that cannot be pinned stays :data:`~.analysis.values.UNKNOWN`:

* ``os.getenv(NAME, default)`` / ``os.environ.get(NAME, default)`` -> the default (no default: unknown);
* ``pydantic.Field(default)`` / ``Field(default=...)`` / ``dataclasses.field(default=...)`` -> the
  default; ``Field(default_factory=Section)`` -> ``Section()`` (a nested section of the settings;
  other factories and required fields: unknown);
* ``a or b`` -> the first operand that is not known to be falsy (``None or X`` -> ``X``), unknown as
  soon as an operand before it is unknown; ``os.getenv(NAME) or X`` -> ``X`` (the variable unset);
* ``obj.ATTR`` where ``obj = SomeClass()`` (or ``obj = get_settings()`` returning ``SomeClass()``)
  at module level -> the class's default for ``ATTR`` when the constructor does not set it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import MAX_OPTIONS, UNKNOWN, Text, Unknown, choice
from pytest_tokenbudget.lint.astwalk import child_nodes, walk
from pytest_tokenbudget.lint.cli_defaults import option_default

__all__ = ["bool_op", "call_default", "dotted_name", "instance_attr", "instance_class",
           "option_default", "own_returns", "self_chain"]

_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "environ.get", "getenv"})
_FIELDS = frozenset({"Field", "pydantic.Field", "pydantic.fields.Field", "dataclasses.field", "field",
                     "attr.ib", "attrs.field", "sqlmodel.Field",
                     "typer.Option", "typer.Argument"})  # a typer command's parameter default
_PICKERS = frozenset(f"streamlit.{where}{widget}" for where in ("", "sidebar.") for widget in ("selectbox", "radio"))


def call_default(q: str, node: ast.Call, expr: Callable[[ast.expr], Any]) -> Any:
    """The value an env getter, a field declaration or a Streamlit picker (one of its options) stands
    for, or None when ``q`` is none of them."""
    if q in _ENV_GETTERS:
        default = node.args[1] if len(node.args) >= 2 else _keyword(node, "default")
        return expr(default) if default is not None else UNKNOWN
    if q in _FIELDS:
        default = _keyword(node, "default")
        if default is None and node.args and q.endswith(("Field", "Option", "Argument")):  # Field(default, ...)
            default = node.args[0]
        if default is None and (made := _factory_construction(node)) is not None:
            return expr(made)  # Field(default_factory=ClaudeConfig): a nested section of the settings
        if default is None or isinstance(default, ast.Constant) and default.value is Ellipsis:
            return UNKNOWN  # required, or a factory of a fresh container (dict, list)
        return expr(default)
    if q in _PICKERS:  # model = st.selectbox("Model", ["claude-a", "claude-b"]): one of its options
        options = node.args[1] if len(node.args) >= 2 else _keyword(node, "options")
        got = expr(options) if options is not None else UNKNOWN
        ok = isinstance(got, (list, tuple)) and 0 < len(got) <= MAX_OPTIONS and all(isinstance(o, str) for o in got)
        return choice(list(got)) if ok else UNKNOWN
    return None


def _factory_construction(field_call: ast.expr) -> ast.Call | None:
    """``Section()`` for ``Field(default_factory=Section)`` (or ``default_factory=lambda: Section(x=1)``):
    a factory that builds a class, by its capitalised spelling; None for ``dict``, ``list`` and the rest."""
    factory = _keyword(field_call, "default_factory") if isinstance(field_call, ast.Call) else None
    if factory is None:
        return None
    made = factory.body if isinstance(factory, ast.Lambda) else ast.Call(func=factory, args=[], keywords=[])
    name = made.func.id if isinstance(made, ast.Call) and isinstance(made.func, ast.Name) else \
        made.func.attr if isinstance(made, ast.Call) and isinstance(made.func, ast.Attribute) else ""
    return made if name[:1].isupper() else None  # type: ignore[return-value]


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _falsy(v: Any) -> bool | None:
    """True / False when ``v``'s truth is known, None when it is not."""
    if isinstance(v, (Unknown, Text)) or v is UNKNOWN:
        return None if not isinstance(v, Text) else False  # a template always has static text
    if v is None or isinstance(v, (str, int, float, bool, list, dict)):
        return not v
    return None


def bool_op(node: ast.BoolOp, expr: Callable[[ast.expr], Any],
            qualname: Callable[[ast.expr], str | None] = lambda _: None) -> Any:
    """``a or b or c``: the first operand not known to be falsy; ``and`` is left unknown. An env
    getter without default (``os.getenv("MODEL") or "claude-..."``) is None when the variable is
    unset: the fallback is what runs then."""
    if not isinstance(node.op, ast.Or):
        return UNKNOWN
    for i, operand in enumerate(node.values):
        unset = isinstance(operand, ast.Call) and qualname(operand.func) in _ENV_GETTERS \
            and len(operand.args) < 2 and not operand.keywords
        v = None if unset else expr(operand)
        falsy = _falsy(v)
        if falsy is None:
            return UNKNOWN
        if not falsy or i == len(node.values) - 1:
            return v
    return UNKNOWN


def instance_class(st: ast.stmt, attr: str,
                   find_class: Callable[[ast.expr], tuple[Any, ast.ClassDef] | None],
                   returned: Callable[[ast.expr], ast.expr | None]) -> tuple[Any, ast.ClassDef] | None:
    """For ``obj = Cls()`` (or ``obj = make()`` whose single return is ``Cls()``), the class whose
    default ``obj.<attr>`` has, with its module; None when the constructor may set ``attr``."""
    value = st.value if isinstance(st, (ast.Assign, ast.AnnAssign)) else None
    for _ in range(3):
        if not isinstance(value, ast.Call) or value.args or any(k.arg in (attr, None) for k in value.keywords):
            return None  # positional / ** arguments may set the field
        found = find_class(value.func)
        if found is not None:
            return found
        value = returned(value.func)  # def get_settings(): return Settings()
    return None


def own_returns(fn: ast.AST) -> list[ast.Return]:
    """The ``return`` statements of function ``fn``, not those of functions or classes defined inside it."""
    out: list[ast.Return] = []
    stack = list(child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            out.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(child_nodes(node))
    return out


def dotted_name(node: ast.expr, head: Callable[[str], str]) -> str | None:
    """``a.b.c`` as a dotted name, its first name mapped by ``head`` (an import to its full name);
    None for anything but a name or an attribute chain on one."""
    chain: list[str] = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([head(node.id), *reversed(chain)])


def _single(mod: Any, name: str, kind: type | tuple[type, ...]) -> Any:
    stmts = mod.names.get(name, [])
    return stmts[0] if len(stmts) == 1 and isinstance(stmts[0], kind) else None


def instance_attr(project: Any, mod: Any, st: ast.stmt, attr: str) -> tuple[Any, ast.ClassDef] | None:
    """``(module, class)`` whose default ``<st's name>.<attr>`` is, seen from the project index's
    module ``mod`` (a class of the module or imported from another module of the project)."""

    def find_class(func: ast.expr) -> tuple[Any, ast.ClassDef] | None:
        q = dotted_name(func, lambda n: mod.imports.get(n, n))
        if q is None:
            return None
        if "." not in q:
            cls = _single(mod, q, ast.ClassDef)
            return (mod, cls) if cls is not None else None
        found = project._find_module(q, mod.path)
        if found is None or len(found[1]) != 1:
            return None
        other = project._load(found[0])
        if other is None or other.parse() is None:
            return None
        project._file_dep(found[0])
        cls = _single(other, found[1][0], ast.ClassDef)
        return (other, cls) if cls is not None else None

    def returned(func: ast.expr) -> ast.expr | None:
        fn = _single(mod, func.id, (ast.FunctionDef, ast.AsyncFunctionDef)) if isinstance(func, ast.Name) else None
        rets = [n for n in walk(fn) if isinstance(n, ast.Return)] if fn is not None else []
        return rets[0].value if len(rets) == 1 else None

    return instance_class(st, attr, find_class, returned)


def self_chain(node: ast.expr) -> str | None:
    """``"model"`` for ``self.model``, ``"config.model"`` for ``self.config.model``, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute) and len(parts) < 2:
        parts.insert(0, node.attr)
        node = node.value
    return ".".join(parts) if isinstance(node, ast.Name) and node.id == "self" and parts else None
