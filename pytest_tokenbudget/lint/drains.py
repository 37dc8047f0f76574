"""A counted loop that drains a queue: each pass fetches the next page of work.

``for _ in range(max_batches): events = fetch_unprocessed(limit=15); if not events: break;
classify(events)`` never passes its index to the request, yet each pass sends new items: the last
pass's were marked done. :func:`.loopbody.repeats` counts such a page as made by the loop, so the
loop is per-item work (TB401), not one identical request repeated (a sampling or timing run).
``while batch < max_batches:`` (or ``while True:``) around the same fetch and ``break`` is the same
queue drained page by page (:func:`pages`): a batch job, not a service loop nor a conversation.
"""

from __future__ import annotations

import ast
import re

__all__ = ["drained", "pages"]


def drained(loop: ast.For | ast.AsyncFor | ast.While) -> set[str]:
    """Names the loop's body sets from a fetch of a page of work (a call given a size: ``limit=``,
    ``batch_size=``, ``page_size=``, ``max_results=``) and stops on when empty (``if not rows:
    break``): each pass fetches new work, the previous pass having taken its own. (A repair loop's
    ``errors = check(out)`` is no page: its passes read the last reply's results.)"""
    fetched = {t.id for st in _top(loop.body) if isinstance(st, ast.Assign) and _page_fetch(st.value)
               for t in st.targets if isinstance(t, ast.Name)}
    return {st.test.operand.id for st in loop.body if isinstance(st, ast.If) and isinstance(st.test, ast.UnaryOp)
            and isinstance(st.test.op, ast.Not) and isinstance(st.test.operand, ast.Name)
            and st.test.operand.id in fetched and isinstance(st.body[-1], (ast.Break, ast.Return))}


def pages(loop: ast.While) -> ast.Call | None:
    """The fetch a ``while`` loop drains page by page (:func:`drained`), or None."""
    names = drained(loop)
    return next((st.value.value if isinstance(st.value, ast.Await) else st.value for st in _top(loop.body)
                 if isinstance(st, ast.Assign) and _page_fetch(st.value)
                 and any(isinstance(t, ast.Name) and t.id in names for t in st.targets)), None)


def _top(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of a loop's body, those of a ``try`` at its top level included (a fetch
    retried on a rate limit)."""
    return [s for st in body for s in ([st, *st.body] if isinstance(st, ast.Try) else [st])]


_PAGE_SIZE = re.compile(r"limit|size|batch|page|count|^max_|^top_?[nk]?$|^[nk]$")


def _page_fetch(value: ast.expr) -> bool:
    call = value.value if isinstance(value, ast.Await) else value
    return isinstance(call, ast.Call) and any(k.arg is not None and _PAGE_SIZE.search(k.arg) for k in call.keywords)
