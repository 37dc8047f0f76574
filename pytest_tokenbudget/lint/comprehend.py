"""Lists built from known data, for the :mod:`.evaluate` evaluator: comprehensions and ``*`` splices.

Few-shot turns are commonly made from a list of examples: ``[{"role": "user", "content": q} for q, a
in EXAMPLES]``, or appended in a loop that :mod:`.filled_lists` reads as ``*[v for q, a in EXAMPLES
for v in (user(q), assistant(a))]``. Over known data both are the turns themselves, in order.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, OpenList, Text, Unknown, is_complete, static_text

__all__ = ["MAX_COMPREHENDED", "comprehend", "listed"]

MAX_COMPREHENDED = 200  # items a comprehension over known data may make (few-shot turns, not a corpus)


def listed(ev: Any, elts: list[ast.expr], d: int) -> list[Any]:
    """A list or tuple display's items; ``*known`` adds a known list's items, ``*other`` one unknown
    standing for any number of items, which makes the whole an :class:`OpenList`."""
    items: list[Any] = []
    is_open = False
    for e in elts:
        if not isinstance(e, ast.Starred):
            items.append(ev.expr(e, d))
            continue
        value = ev.expr(e.value, d)
        if isinstance(value, (list, tuple)):
            items.extend(value)
            is_open = is_open or isinstance(value, OpenList)
        else:
            items.append(UNKNOWN)
            is_open = True
    return OpenList(items) if is_open else items


def _truth(value: Any) -> bool | None:
    """Whether an ``if`` keeps an item: a known value's truth; a text with static words is non-empty;
    None when it cannot be told."""
    if isinstance(value, Text):
        return True if static_text(value).strip() else None
    return bool(value) if is_complete(value) else None


def comprehend(ev: Any, elt: ast.expr, gens: list[ast.comprehension], d: int, out: list[Any],
               holes: bool = False) -> bool:
    """``[elt for x in items if test]`` (or a generator: ``"\\n".join(p for p in parts if p)``) over
    known lists (targets: names, or ``q, a`` pairs; an ``if`` whose truth is known for each item; at
    most :data:`MAX_COMPREHENDED` items in all), evaluated by ``ev``: the items appended to ``out``
    in order; False when any part is unknown. With ``holes`` (a generator whose items ``join``
    makes into a text) an unknown item of a list of single values gives a hole instead."""
    if not gens:
        out.append(ev.expr(elt, d))
        return len(out) <= MAX_COMPREHENDED
    gen, outer = gens[0], ev.lookup
    items = ev.expr(gen.iter, d)
    pair = isinstance(gen.target, ast.Tuple)  # ``for q, a in pairs``: each item a pair of known length
    names = [e.id if isinstance(e, ast.Name) else "" for e in gen.target.elts] if pair else [getattr(gen.target, "id", "")]
    if gen.is_async or not all(names) or not isinstance(items, (list, tuple)) or any(
            (pair or not holes) and isinstance(v, Unknown)
            or pair and not (isinstance(v, (list, tuple)) and len(v) == len(names)) for v in items):
        return False  # an unknown item may stand for any number of them
    try:
        for item in items:
            if isinstance(item, Unknown):  # (with ``holes``: the text a generator gives ``join``)
                out.append(UNKNOWN)
                continue
            bound = dict(zip(names, item)) if pair else {names[0]: item}
            ev.lookup = lambda n, b=bound: b[n] if n in b else outer(n)
            kept = [_truth(ev.expr(test, d)) for test in gen.ifs]  # ``if p``: a filter on the item
            if None in kept:
                return False
            if all(kept) and not comprehend(ev, elt, gens[1:], d, out):
                return False
    finally:
        ev.lookup = outer
    return True
