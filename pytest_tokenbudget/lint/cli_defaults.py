"""The default of a command-line option: ``args.model`` where ``args = parser.parse_args()``.

``parser.add_argument("-m", "--model", default="claude-...")`` then ``Agent(model=args.model)``:
unless the user types ``--model``, the request carries the default, the same reading the model
rules give ``os.getenv("MODEL", "claude-...")`` (:mod:`.config_values`). :func:`option_default`
finds that default in the module that parses the arguments: the one ``add_argument`` call of the
parser naming that destination (``--model`` -> ``model``, ``--max-tokens`` -> ``max_tokens``,
``dest=``). Anything that makes the answer unsure leaves it unknown: no ``default=`` (None, or a
required option), two parsers of the module declaring the destination, ``set_defaults(...)``,
``parse_known_args`` / ``vars(args)`` rewritten, ``required=True``, or ``args.model = ...`` anywhere in the module.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN

__all__ = ["option_default"]


def option_default(tree: ast.Module | None, value: Any, name: str, attr: str,
                   expr: Callable[[ast.expr], Any]) -> Any:
    """The default of option ``attr`` when the local ``name`` is bound to ``value``, a
    ``<parser>.parse_args(...)`` call of the module ``tree``; UNKNOWN otherwise."""
    if tree is None or not _parse_args_call(value):
        return UNKNOWN
    parser = value.func.value.id
    defaults = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(_is_attr(t, name, attr) for t in node.targets):
            return UNKNOWN  # args.model = ... after parsing
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == parser):
            continue
        if node.func.attr == "set_defaults":
            return UNKNOWN
        if node.func.attr == "add_argument" and _dest(node) == attr:
            defaults.append(node)
    if len(defaults) != 1:
        return UNKNOWN
    default = next((k.value for k in defaults[0].keywords if k.arg == "default"), None)
    required = next((k.value for k in defaults[0].keywords if k.arg == "required"), None)
    if default is None or any(k.arg is None for k in defaults[0].keywords) \
            or not (required is None or isinstance(required, ast.Constant) and required.value is False):
        return UNKNOWN  # no default, or a required option: the user's value always replaces it
    got = expr(default)
    return got if isinstance(got, str) else UNKNOWN


def _parse_args_call(value: Any) -> bool:
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
        and value.func.attr == "parse_args" and isinstance(value.func.value, ast.Name)


def _is_attr(node: Any, name: str, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) \
        and node.value.id == name


def _dest(call: ast.Call) -> str | None:
    """The attribute an ``add_argument`` call fills (``dest=``, else the first long option, else the
    first short one, else the positional name)."""
    dest = next((k.value for k in call.keywords if k.arg == "dest"), None)
    if dest is not None:
        return dest.value if isinstance(dest, ast.Constant) and isinstance(dest.value, str) else None
    names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not names or len(names) != len(call.args):
        return None
    long = [n for n in names if n.startswith("--")]
    chosen = long[0][2:] if long else names[0].lstrip("-")
    return chosen.replace("-", "_") or None
