"""Lists built from known data, for the :mod:`.evaluate` evaluator: comprehensions and ``*`` splices.

Few-shot turns are commonly made from a list of examples: ``[{"role": "user", "content": q} for q, a
in EXAMPLES]``, or appended in a loop that :mod:`.filled_lists` reads as ``*[v for q, a in EXAMPLES
for v in (user(q), assistant(a))]``. Over known data both are the turns themselves, in order.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown

__all__ = ["MAX_COMPREHENDED", "comprehend", "spliced"]

MAX_COMPREHENDED = 200  # items a comprehension over known data may make (few-shot turns, not a corpus)


def spliced(ev: Any, node: ast.expr, d: int) -> list[Any]:
    """The items ``*node`` adds to a list: a known list's, else one unknown standing for any number."""
    value = ev.expr(node, d)
    return list(value) if isinstance(value, (list, tuple)) else [UNKNOWN]


def comprehend(ev: Any, elt: ast.expr, gens: list[ast.comprehension], d: int, out: list[Any]) -> bool:
    """``[elt for x in items ...]`` over known lists (no ``if``; targets: names, or ``q, a`` pairs; at
    most :data:`MAX_COMPREHENDED` items in all), evaluated by ``ev``: the items appended to ``out``
    in order; False when any part is unknown."""
    if not gens:
        out.append(ev.expr(elt, d))
        return len(out) <= MAX_COMPREHENDED
    gen, outer = gens[0], ev.lookup
    items = ev.expr(gen.iter, d)
    pair = isinstance(gen.target, ast.Tuple)  # ``for q, a in pairs``: each item a pair of known length
    names = [e.id if isinstance(e, ast.Name) else "" for e in gen.target.elts] if pair else [getattr(gen.target, "id", "")]
    if gen.ifs or gen.is_async or not all(names) or not isinstance(items, (list, tuple)) or any(
            isinstance(v, Unknown) or pair and not (isinstance(v, (list, tuple)) and len(v) == len(names))
            for v in items):  # an unknown item may stand for any number of them
        return False
    try:
        for item in items:
            bound = dict(zip(names, item)) if pair else {names[0]: item}
            ev.lookup = lambda n, b=bound: b[n] if n in b else outer(n)
            if not comprehend(ev, elt, gens[1:], d, out):
                return False
    finally:
        ev.lookup = outer
    return True
