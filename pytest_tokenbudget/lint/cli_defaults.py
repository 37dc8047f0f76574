"""The default of a command-line option: ``args.model`` where ``args = parser.parse_args()`` (or a
module helper's ``return parser.parse_args()``).

``parser.add_argument("-m", "--model", default="claude-...")`` then ``Agent(model=args.model)``:
unless the user types ``--model``, the request carries the default, the same reading the model
rules give ``os.getenv("MODEL", "claude-...")`` (:mod:`.config_values`). :func:`option_default`
finds that default in the module that parses the arguments: the one ``add_argument`` call of the
parser naming that destination (``--model`` -> ``model``, ``--max-tokens`` -> ``max_tokens``,
``dest=``); an option declared without ``default=`` (and no ``action=``, ``nargs`` or ``const``) holds
None, argparse's own default, so ``args.model or "claude-..."`` is that fallback. Anything that makes the
answer unsure leaves it unknown: a required option (``required=True``), two parsers of the module
declaring the destination, ``set_defaults(...)``, ``parse_known_args`` / ``vars(args)`` rewritten, or
``args.model = ...`` anywhere in the module.

A click command receives its options as parameters: ``@click.option("--model", default="claude-...")``
over ``def summarize(model)`` is the same default, read by :func:`command_defaults` for the values a
command passes on (``_summarize(model)``); a typer ``typer.Option("claude-...")`` default is a field
declaration (:mod:`.config_values`), and a FastAPI route's ``Depends(get_settings)`` parameter holds
``get_settings()`` (:mod:`.evaluate`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, choice
from pytest_tokenbudget.lint.astwalk import facts_of, walk

__all__ = ["command_defaults", "option_default", "parses_args"]


def option_default(tree: ast.Module | None, value: Any, name: str, attr: str,
                   expr: Callable[[ast.expr], Any]) -> Any:
    """The default of option ``attr`` when the local ``name`` is bound to ``value``, a
    ``<parser>.parse_args(...)`` call of the module ``tree`` (or of its helper ``parse_args()`` that
    returns one); UNKNOWN otherwise."""
    value = _helper_parse(tree, value) if tree is not None else value
    if tree is None or not parses_args(value):
        return UNKNOWN
    parser = value.func.value.id
    facts = facts_of(tree)  # the tree's one walk, shared
    sets = [a for a in facts.assigns if any(_is_attr(t, name, attr) for t in a.targets)]  # args.model = ...
    defaults = []
    for node in facts.calls:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == parser):
            continue
        if node.func.attr == "set_defaults":
            return UNKNOWN
        if node.func.attr == "add_argument" and _dest(node) == attr:
            defaults.append(node)
    filled = _filled_when_unset(tree, sets, name, attr) if sets else None
    if len(defaults) != 1 or sets and filled is None:
        return UNKNOWN  # (set after parsing, not only when the user gave none: unknown)
    default = next((k.value for k in defaults[0].keywords if k.arg == "default"), None)
    if filled is not None:  # no default, filled after parsing: what those assignments give (the Claude
        unset = default is None or isinstance(default, ast.Constant) and default.value is None  # ids of a
        got = [expr(v) for v in filled]  # provider switch: the others go to other providers' clients)
        if not unset or not got or not all(isinstance(g, str) for g in got):
            return UNKNOWN
        return choice([g for g in got if "claude" in g] or got)
    required = next((k.value for k in defaults[0].keywords if k.arg == "required"), None)
    if any(k.arg is None for k in defaults[0].keywords) \
            or not (required is None or isinstance(required, ast.Constant) and required.value is False):
        return UNKNOWN  # a required option: the user's value always replaces it
    if default is None or isinstance(default, ast.Constant) and default.value is None:
        return None if _plain(defaults[0]) else UNKNOWN  # None, which `args.model or "claude-..."` replaces
    got = expr(default)
    return got if isinstance(got, str) else UNKNOWN


def _plain(add: ast.Call) -> bool:
    """An ``add_argument`` whose value is None when the option is not given: no ``action=`` (a flag
    defaults to False, ``append`` / ``count`` to their own), ``nargs`` or ``const``."""
    return not any(k.arg in ("action", "nargs", "const") for k in add.keywords)


def _filled_when_unset(tree: ast.Module, sets: list[ast.Assign], name: str, attr: str) -> list[ast.expr] | None:
    """The values of the assignments ``sets`` (``args.model = ...``) when every one sits under ``if not
    args.model:`` (or ``if args.model is None:``): the option filled after parsing when the user gave
    none. None when one is not guarded that way."""
    def unset(test: ast.expr) -> bool:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return _is_attr(test.operand, name, attr)
        return isinstance(test, ast.Compare) and _is_attr(test.left, name, attr) and len(test.ops) == 1 \
            and isinstance(test.ops[0], ast.Is) and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None

    guarded = {id(n) for g in walk(tree) if isinstance(g, ast.If) and unset(g.test)
               for st in g.body for n in walk(st)}
    return [a.value for a in sets] if all(id(a) in guarded for a in sets) else None


def _helper_parse(tree: ast.Module, value: Any) -> Any:
    """``args = parse_args()`` where the module's ``def parse_args(): ...; return p.parse_args()``:
    that ``p.parse_args()`` (the helper's one ``return``); else ``value``."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.args and not value.keywords):
        return value
    fn = next((s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == value.func.id), None)
    returns = [n for n in walk(fn) if isinstance(n, ast.Return)] if fn is not None else []
    return returns[0].value if len(returns) == 1 and parses_args(returns[0].value) else value


def parses_args(value: Any) -> bool:
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


def command_defaults(fn: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> dict[str, ast.expr]:
    """parameter -> its default as a command-line option: the ``default=`` of the click option that
    fills it (``@click.option(...)``, or ``@option`` imported from click; an option that is required, a
    flag, repeated or without a default is left out), or a typer parameter's default
    (``model: str = typer.Option("claude-...")``, ``model: Annotated[str, typer.Option()] = "claude-..."``), or
    what a FastAPI dependency gives a route (``settings: Settings = Depends(get_settings)``: ``get_settings()``)."""
    out = _framework_defaults(fn)
    for deco in fn.decorator_list:
        if not (isinstance(deco, ast.Call) and _is_click_option(deco.func, tree)):
            continue
        keywords = {k.arg: k.value for k in deco.keywords if k.arg}
        if "default" not in keywords or any(k.arg is None for k in deco.keywords) or any(
                isinstance(keywords.get(k), ast.Constant) and keywords[k].value is True  # type: ignore[union-attr]
                for k in ("required", "is_flag", "multiple", "count")):
            continue
        name = _click_name(deco)
        if name is not None:
            out[name] = keywords["default"]
    return out


def _framework_defaults(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    pairs = [*zip(positional[len(positional) - len(a.defaults):], a.defaults),
             *((p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None)]
    out: dict[str, ast.expr] = {}
    for param, default in pairs:
        declared = [default, param.annotation]
        if any(isinstance(n, ast.Call) and ast.unparse(n.func) in _FILLED_BY_FRAMEWORK for d in declared if d is not None
               for n in walk(d)):
            out[param.arg] = default  # typer.Option(X), Depends(get_settings): the evaluator reads them
    return out


_FILLED_BY_FRAMEWORK = frozenset({"typer.Option", "typer.Argument", "Option", "Argument", "fastapi.Depends", "Depends"})


def _is_click_option(func: ast.expr, tree: ast.Module) -> bool:
    if isinstance(func, ast.Attribute) and func.attr == "option" and isinstance(func.value, ast.Name):
        return func.value.id == "click" or any(isinstance(n, ast.Import) and any(a.name == "click" and a.asname == func.value.id
                                                                                 for a in n.names) for n in tree.body)
    return isinstance(func, ast.Name) and func.id == "option" and any(
        isinstance(n, ast.ImportFrom) and n.module == "click" and any(a.name == "option" and not a.asname for a in n.names)
        for n in tree.body)


def _click_name(deco: ast.Call) -> str | None:
    """The parameter a click option fills, as click names it: a name without dashes among its
    declarations, else the first ``--`` one, else the first ``-`` one (``--max-tokens`` ->
    ``max_tokens``; ``--save/--no-save`` -> ``save``)."""
    names = [a.value for a in deco.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not names or len(names) != len(deco.args):
        return None
    bare = [n for n in names if not n.startswith("-")]
    if bare:
        return bare[0] if bare[0].isidentifier() else None
    spelled = sorted((n.split("/")[0] for n in names), key=lambda n: -(len(n) - len(n.lstrip("-"))))[0]
    name = spelled.lstrip("-").replace("-", "_").lower()
    return name if name.isidentifier() else None
