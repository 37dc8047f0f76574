"""Random draws, for telling a loop that sends new items from one that repeats a request.

``for _ in range(30): question = random.choice(QUESTIONS)`` asks thirty questions; ``for _ in
range(5): time.sleep(random.uniform(0, 1))`` around one request still sends that request five times.
What matters is whether a draw reaches what is sent (:func:`.loopbody.repeats`, and
:mod:`.fresh_values` for the project's functions that return one).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["drawn", "drawn_names", "draws", "feeds_draw"]

_RANDOM = re.compile(r"random|(?:^|\.)(?:randint|randrange|choices?|sample|shuffle|uniform)$", re.I)
_ASIDE = re.compile(r"sleep|print|log|debug|info|warn|error|exception", re.I)  # a pause or a log line


def draws(call: ast.Call) -> bool:
    """``call`` draws at random: ``random.choice(xs)``, ``np.random.randint(9)``,
    ``self.rng_source.get_random_words(3)``, ``sample(rows, 5)``."""
    return bool(_RANDOM.search(ast.unparse(call.func)))


def drawn(node: ast.AST, fresh: Callable[[ast.Call], bool] = draws) -> bool:
    """Some call inside ``node`` is ``fresh`` (by default: a random draw)."""
    return any(isinstance(n, ast.Call) and fresh(n) for n in walk(node))


def drawn_names(fn: ast.AST, fresh: Callable[[ast.Call], bool] = draws) -> set[str]:
    """The names ``fn`` assigns from a random draw (``fresh``) or from such a name, and the lists it
    appends them to (``messages.append({"role": "user", "content": question})``)."""
    derived: set[str] = set()
    assigns = [n for n in walk(fn) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and n.value is not None]
    appends = [n for n in walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr in ("append", "extend") and isinstance(n.func.value, ast.Name)]
    for _ in range(3):  # (a few passes: the walk need not meet assignments in source order)
        for a in assigns:
            if _names(a.value) & derived or drawn(a.value, fresh):
                targets = a.targets if isinstance(a, ast.Assign) else [a.target]
                derived |= {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}
        for c in appends:
            if any(_names(x) & derived or drawn(x, fresh) for x in c.args):
                derived.add(c.func.value.id)
    return derived


def feeds_draw(fn: ast.AST) -> bool:
    """``fn`` sends something built from a random draw: a call other than a pause or a log line
    reads a drawn name (:func:`drawn_names`), so each call of ``fn`` is a new item."""
    derived = drawn_names(fn)
    if not derived:
        return False
    aside = {id(m) for n in walk(fn) if isinstance(n, ast.Call) and _ASIDE.search(ast.unparse(n.func)) for m in walk(n)}
    return any(isinstance(n, ast.Call) and id(n) not in aside and _names(n) & derived for n in walk(fn))


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}
