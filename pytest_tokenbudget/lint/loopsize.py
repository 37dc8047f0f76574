"""How many items a loop goes over, read from the code (for :mod:`.loopjudge`): a handful written
out (``for key in ("a", "b")``, ten probe questions in a constant, here or in the project module it
is imported from), a slice, a range or a fetch capped low (``rows[:5]``, ``range(5)``,
``get_mentions(max_results=5)``, a command's ``--limit`` defaulting to 5), or the fields of one
record (``pitch.items()``). A batch of so few saves little and its results come back later: such
loops are not TB401's.
"""

from __future__ import annotations

import ast
import math
import re

from pytest_tokenbudget.lint.astwalk import facts_of, param_defaults, walk
from pytest_tokenbudget.lint.loopbody import filled_with_few

__all__ = ["HANDFUL", "WRITTEN_OUT", "handful", "known_size", "nested_product", "small"]

HANDFUL = 5  # rows[:5], max_results=5, five appends: a cap on data the program reads
WRITTEN_OUT = 10  # a list written out by hand in the code (its items, not a cap on data)


def handful(it: ast.expr) -> bool:
    """A literal list of constants: a sweep over numbers or model ids, or a fixed handful of cases
    (``for key in ("demo_a", "demo_b")``, ``for mode, pdf in [("text", False), ("pdf", True)]``, at
    most :data:`WRITTEN_OUT`; a dict of as many constant keys, ``{"fixed": "Fixed chunks", ...}``) —
    not data worth a batch."""
    if isinstance(it, ast.Dict):
        return 0 < len(it.keys) <= WRITTEN_OUT and all(isinstance(k, ast.Constant) for k in it.keys) and all(
            isinstance(v, ast.Constant) or isinstance(v, ast.Tuple) and all(isinstance(x, ast.Constant) for x in v.elts)
            for v in it.values)
    if not isinstance(it, (ast.List, ast.Tuple, ast.Set)) or not it.elts:
        return False
    if all(isinstance(e, ast.Tuple) and e.elts and all(isinstance(x, ast.Constant) for x in e.elts) for e in it.elts):
        return len(it.elts) <= WRITTEN_OUT  # (cases of a few settings each)
    if not all(isinstance(e, ast.Constant) for e in it.elts):
        return False
    values = [e.value for e in it.elts if isinstance(e, ast.Constant)]
    return len(values) <= WRITTEN_OUT or all(isinstance(v, (int, float)) or str(v).startswith(("claude", "gpt"))
                                         for v in values)



def small(it: ast.expr | None, parents: dict[int, ast.AST]) -> bool:
    """The loop runs over a handful of items at most: ``rows[:5]``, ``range(5)`` (``tqdm(range(5))``),
    or a name whose every assignment in the enclosing function (else the module) is a literal of at
    most :data:`WRITTEN_OUT` items (``keys = [a, b] if both else [a]``, ``PROBES = [{...}, ...]``), the
    first few of something (``top5 = sorted(papers, key=score)[:5]``) or a fetch capped as low
    (``get_mentions(max_results=5)``), or such a literal itself — a batch saves little and its
    results come back later."""
    while isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("enumerate", "tqdm") \
            and it.args:
        it = it.args[0]
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and not it.keywords \
            and 1 <= len(it.args) <= 2 and all(isinstance(a, ast.Constant) and type(a.value) is int for a in it.args):
        bounds = [a.value for a in it.args if isinstance(a, ast.Constant)]
        return 0 < bounds[-1] - (bounds[0] if len(bounds) == 2 else 0) <= HANDFUL
    functions = _functions_around(it, parents)
    if _capped(it, functions):
        return True
    if _fields_of_one(it):
        return True
    it = _dict_viewed(it)
    if isinstance(it, ast.Subscript):
        return _first_few(it, parents)
    if _written_list(it):  # for kind, names in [("team", teams), ("stadium", stadiums)]: three requests
        return True
    if isinstance(it, ast.Attribute) and isinstance(it.value, ast.Name) and it.value.id == "self":
        return _written_attribute(it.attr, it, parents)
    if not isinstance(it, ast.Name):
        return False
    scope, values = _assigned(it, parents, functions)
    literals = [b for v in values for b in ((v.body, v.orelse) if isinstance(v, ast.IfExp) else (v,))]
    if [v for v in literals if isinstance(v, ast.List) and not v.elts]:  # [] filled later: by how many appends
        return len(literals) == 1 and filled_with_few(scope, it.id, parents, HANDFUL)
    return bool(literals) and all(_capped(v, functions) or _first_few(v, parents) or _written_list(v)
                                  for v in literals)


def _written_list(value: ast.expr) -> bool:
    """A list, tuple or set written out with at most :data:`WRITTEN_OUT` items (none unpacked), or a
    dict with at most as many keys (``strategies = {"fixed": ..., "semantic": ...}``: one per case)."""
    if isinstance(value, ast.Dict):
        return 0 < len(value.keys) <= WRITTEN_OUT and None not in value.keys
    return isinstance(value, (ast.List, ast.Tuple, ast.Set)) and len(value.elts) <= WRITTEN_OUT \
        and not any(isinstance(e, ast.Starred) for e in value.elts)


def _dict_viewed(it: ast.expr | None) -> ast.expr | None:
    """The dict a loop goes over: ``strategies`` of ``strategies.items()`` (``.keys()``, ``.values()``),
    else ``it`` itself."""
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args and not it.keywords \
            and it.func.attr in ("items", "keys", "values"):
        return it.func.value
    return it


def _written_attribute(attr: str, node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``self.<attr>`` is only ever set, in its class, to a list written out with a handful of items
    and never grown (``self.agents = [TechnicalAgent(), MomentumAgent(), MeanReversionAgent()]``)."""
    cls = _class_of(node, parents)
    if cls is None:
        return False
    values: list[ast.expr] = []
    for n in walk(cls):
        if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for t in n.targets if isinstance(n, ast.Assign) else [n.target]:
                if _self_attr(t, attr):
                    values.append(ast.Constant(None) if isinstance(n, ast.AugAssign) or n.value is None else n.value)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and _self_attr(n.func.value, attr) \
                and n.func.attr in ("append", "extend", "insert", "add", "update"):
            return False
    return bool(values) and all(_written_list(v) for v in values)


def _self_attr(node: ast.AST, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) \
        and node.value.id == "self"


def _first_few(value: ast.expr, parents: dict[int, ast.AST] | None = None) -> bool:
    """``rows[:5]``, ``sorted(papers, key=score)[:5]``: the first handful of something; with ``parents``,
    also a cap the code names (``images[:MAX_IMAGES]``, ``images[:self.max_images]``: :func:`_cap`)."""
    if not (isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice) and value.slice.lower is None):
        return False
    upper = value.slice.upper
    n = upper.value if isinstance(upper, ast.Constant) else _cap(upper, parents) if parents is not None else None
    return type(n) is int and 0 < n <= HANDFUL


def _cap(upper: ast.expr | None, parents: dict[int, ast.AST]) -> object:
    """The constant a slice's bound names: a module constant (``MAX_IMAGES = 5``), a parameter's default
    in the enclosing functions, or a ``self.`` attribute every assignment in the class sets to one of
    those (``self.max_images = max_images`` with ``max_images: int = 5`` in ``__init__``); None otherwise."""
    functions = _functions_around(upper, parents) if upper is not None else []
    if isinstance(upper, ast.Name):
        found = next((d for fn in functions if (d := _default_of(fn, upper.id)) is not None), None)
        if found is not None:
            return found
        values = _assigned(upper, parents, [])[1]
        return values[0].value if len(values) == 1 and isinstance(values[0], ast.Constant) else None
    if not (isinstance(upper, ast.Attribute) and isinstance(upper.value, ast.Name) and upper.value.id == "self"):
        return None
    cls = _class_of(upper, parents)
    caps = set()
    for fn in (n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))) if cls else ():
        for n in walk(fn):
            if isinstance(n, ast.Assign) and any(_self_attr(t, upper.attr) for t in n.targets):
                v = n.value
                caps.add(v.value if isinstance(v, ast.Constant) else _default_of(fn, v.id) if isinstance(
                    v, ast.Name) else None)
    return caps.pop() if len(caps) == 1 else None


def _class_of(node: ast.AST, parents: dict[int, ast.AST]) -> ast.ClassDef | None:
    """The class whose code holds ``node``."""
    while id(node) in parents and not isinstance(node, ast.ClassDef):
        node = parents[id(node)]
    return node if isinstance(node, ast.ClassDef) else None


def known_size(it: ast.expr | None, parents: dict[int, ast.AST]) -> int | None:
    """How many items a loop over ``it`` goes over, when the code writes them out: a literal list,
    tuple, set or dict (or its ``.items()``), ``range`` of literals, or a name whose single assignment
    (in the function, else the module) is one of those; None otherwise."""
    while isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("enumerate", "tqdm") \
            and it.args:
        it = it.args[0]
    it = _dict_viewed(it)
    if isinstance(it, ast.Name):
        values = _assigned(it, parents, _functions_around(it, parents))[1]
        it = values[0] if len(values) == 1 else None
    if isinstance(it, (ast.List, ast.Tuple, ast.Set)) and not any(isinstance(e, ast.Starred) for e in it.elts):
        return len(it.elts)
    if isinstance(it, ast.Dict) and None not in it.keys:
        return len(it.keys)
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and 1 <= len(it.args) <= 2 \
            and all(isinstance(a, ast.Constant) and type(a.value) is int for a in it.args):
        bounds = [a.value for a in it.args if isinstance(a, ast.Constant)]
        return max(0, bounds[-1] - (bounds[0] if len(bounds) == 2 else 0))
    return None


def nested_product(labels: list[str], sizes: list[int | None]) -> str | None:
    """``KINDS x TONES (30 requests)`` for nested loops over handfuls whose written-out ``sizes``
    multiply past :data:`WRITTEN_OUT` (5 kinds x 6 tones is a batch; 2 x 3 a sweep); else None."""
    known = [n for n in sizes if n is not None]
    if len(sizes) < 2 or len(known) < len(sizes) or math.prod(known) <= WRITTEN_OUT:
        return None
    return " x ".join(label if len(label) <= 24 else label[:21] + "..." for label in labels) \
        + f" ({math.prod(known)} requests)"


def _assigned(it: ast.Name, parents: dict[int, ast.AST],
              functions: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> tuple[ast.AST, list[ast.expr]]:
    """(the scope, the values) of the assignments of ``it``: in the innermost enclosing function that
    assigns it (a closure reads its outer's), else the module's own statements, else the module-level
    assignments of the project module it is imported from (``from templates.sections import
    SECTIONS``: eight sections written out there)."""
    root: ast.AST = it
    while id(root) in parents:
        root = parents[id(root)]
    scope: ast.AST = root
    values: list[ast.expr] = []
    for scope in functions or [root]:
        values = [v for n in walk(scope) for v in _values_of(n, it.id)]
        if values:
            break
    if not values and isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):  # a module constant
        values = [v for st in getattr(root, "body", []) for v in _values_of(st, it.id)]
    if not values and isinstance(root, ast.Module):
        other = _imported_from(it.id, root)
        if other is not None:
            scope, values = other, [v for st in other.body for v in _values_of(st, it.id)]
    return scope, values


def _values_of(node: ast.AST, name: str) -> list[ast.expr]:
    """The value ``node`` assigns to ``name`` (``NAME = [...]``, ``NAME: list[X] = [...]``), if any."""
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
        return [node.value]
    if isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(node.target, ast.Name) \
            and node.target.id == name:
        return [node.value]
    return []


def _imported_from(name: str, tree: ast.Module) -> ast.Module | None:
    """The tree of the project module ``tree`` imports ``name`` from (``from x import NAME``, at the
    top or in a function), when the lint run has a project index; None otherwise."""
    from pytest_tokenbudget.lint.callnames import tree_of
    from pytest_tokenbudget.lint.project import active

    imp = next((n for n in facts_of(tree).imports if isinstance(n, ast.ImportFrom)
                and any((a.asname or a.name) == name for a in n.names)), None)
    act = active()
    if imp is None or act is None:
        return None
    project, path = act
    if imp.level:  # relative to the importing file, which need not be the one being checked
        path = next((p for p, m in project.modules.items() if m is not None and m.tree is tree), None)
        if path is None:
            return None
    real = next(a.name for a in imp.names if (a.asname or a.name) == name)
    dotted = "." * imp.level + (f"{imp.module}.{real}" if imp.module else real)
    found = project._find_module(dotted, path)
    return tree_of(project, found[0]) if found is not None and found[1] == [real] else None


_LIMITS = frozenset({"max_results", "limit", "top_k", "k", "n", "count", "max_items", "num_results", "page_size",
                     "max_count", "first", "last"})


def _capped(value: ast.expr | None, functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = ()) -> bool:
    """``fetch_mentions(max_results=5)``, ``select(tweets, max_daily=2)``: at most a handful of items,
    by a limit the call spells out (a bot's tick over new mentions, the top few search hits), or by a
    parameter of the enclosing ``functions`` that defaults to one (a command's ``--limit`` option,
    ``limit: int = 5``: what the command fetches unless told otherwise)."""
    def cap(k: ast.keyword) -> object:
        if isinstance(k.value, ast.Constant) and (k.arg in _LIMITS or (k.arg or "").startswith("max_")):
            return k.value.value
        if isinstance(k.value, ast.Name) and k.arg in _LIMITS:  # (not max_tokens=max_tokens, max_retries=...)
            return next((d for fn in functions if (d := _default_of(fn, k.value.id)) is not None), None)
        return None

    return isinstance(value, ast.Call) and any(type(n := cap(k)) is int and 0 < n <= HANDFUL for k in value.keywords)


def _functions_around(node: ast.AST, parents: dict[int, ast.AST]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions ``node`` is in, innermost first."""
    out = []
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(node)
    return out


def _default_of(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> object:
    """The constant default of ``fn``'s parameter ``name`` (None: no such parameter or default)."""
    d = param_defaults(fn).get(name)
    return d.value if isinstance(d, ast.Constant) else None


_COLLECTION = re.compile(r"(?:s|list|dict|map|index|table|data|set|queue|cache|db|store|registry|lookup)$"
                         r"|(?:^|_)(?:by|per)_", re.I)  # (tweets_by_category, rows_per_user: items grouped)


def _fields_of_one(it: ast.expr) -> bool:
    """``for name, section in pitch.items()``: the fields of one record (a singular name), not a
    collection of items (``documents.items()``, ``by_id.values()``, ``tweets_by_category.items()`` keep
    counting)."""
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args
            and it.func.attr in ("items", "keys", "values")):
        return False
    base = it.func.value
    name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
    return name is not None and not _COLLECTION.search(name.rstrip("_"))
