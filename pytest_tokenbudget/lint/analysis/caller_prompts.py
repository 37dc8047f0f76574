"""The prompts a wrapper's callers pass, when the wrapper rebuilds them before the request.

``def claude_chat(messages, max_tokens=1024)`` that copies ``messages`` through a loop (``for m in
messages: filtered.append({...})``, the system message picked out into ``system=``) sends a request
whose text the resolver cannot see, yet each caller writes it plainly
(``claude_chat([{"role": "system", "content": RUBRIC}, ...], max_tokens=256)``). Which parameters feed
the request is a data-flow question answered inside the wrapper: the names its prompt arguments
(``messages``, ``system``, ``prompt``, a ``**kwargs`` request dict) read, closed over the
assignments, ``x[k] = ...`` items, ``x.append(...)`` calls and ``for`` loops that fill them. What the
callers pass for those parameters comes from :func:`..arguments.parameter_values` (one assignment
per path of callers); :func:`caller_prompt_texts` gives each caller's static text (None for a
caller whose text cannot be pinned), for a rule that judges the task every caller asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.values import iter_texts
from pytest_tokenbudget.lint.types import CallSite

__all__ = ["PROMPT_FIELDS", "prompt_params", "caller_prompt_texts", "every_caller_task"]

PROMPT_FIELDS = frozenset({"messages", "system", "prompt", "input", "contents"})
_FILLERS = frozenset({"append", "extend", "insert", "update", "setdefault"})
_MAX_ROUNDS = 12
_NOT_TEXT = frozenset({"role", "type", "cache_control"})


def _names(node: cst.CSTNode | None) -> set[str]:
    """Every plain name read inside ``node``."""
    if node is None:
        return set()
    visitor = _NameVisitor()
    node.visit(visitor)
    return visitor.found


# The visitors are module-level classes: a class made per call costs its creation and a fresh
# entry in the fast traversal's per-class tables (:mod:`..cstwalk`) each time.
class _NameVisitor(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_Name(self, n: cst.Name) -> None:
        self.found.add(n.value)


def _base_name(target: cst.BaseExpression) -> str | None:
    """``x`` of a target ``x``, ``x[k]``, ``x.attr`` (the variable the statement fills)."""
    while isinstance(target, (cst.Subscript, cst.Attribute)):
        target = target.value
    return target.value if isinstance(target, cst.Name) else None


def _flows(fn: cst.CSTNode) -> list[tuple[set[str], cst.CSTNode | None]]:
    """(names written, expression read) for each statement of ``fn`` that fills a variable."""
    visitor = _FlowVisitor()
    fn.visit(visitor)
    return visitor.out


class _FlowVisitor(cst.CSTVisitor):
    def __init__(self) -> None:
        self.out: list[tuple[set[str], cst.CSTNode | None]] = []

    def visit_Assign(self, n: cst.Assign) -> None:
        self.out.append(({b for t in n.targets if (b := _base_name(t.target))}, n.value))

    def visit_AugAssign(self, n: cst.AugAssign) -> None:
        self.out.append(({b} if (b := _base_name(n.target)) else set(), n.value))

    def visit_AnnAssign(self, n: cst.AnnAssign) -> None:
        self.out.append(({b} if (b := _base_name(n.target)) else set(), n.value))

    def visit_For(self, n: cst.For) -> None:
        self.out.append((_names(n.target), n.iter))

    def visit_Call(self, n: cst.Call) -> None:
        f = n.func
        if isinstance(f, cst.Attribute) and f.attr.value in _FILLERS and (b := _base_name(f.value)):
            self.out.append(({b}, cst.Tuple([cst.Element(a.value) for a in n.args]) if n.args else None))


def _request_dict_prompt(body: cst.CSTNode, name: str) -> set[str]:
    """The names a request dict ``name`` (``create(**name)``) reads for its prompt keys: its literal's
    ``"messages": ...`` items and ``name["system"] = ...`` assignments."""
    found: set[str] = set()

    def key_of(node: cst.BaseExpression | None) -> str | None:
        return node.evaluated_value if isinstance(node, cst.SimpleString) else None  # type: ignore[return-value]

    class _V(cst.CSTVisitor):
        def visit_Assign(self, n: cst.Assign) -> None:
            for t in n.targets:
                tgt = t.target
                if isinstance(tgt, cst.Name) and tgt.value == name and isinstance(n.value, cst.Dict):
                    for el in n.value.elements:
                        if isinstance(el, cst.DictElement) and key_of(el.key) in PROMPT_FIELDS:
                            found.update(_names(el.value))
                elif isinstance(tgt, cst.Subscript) and isinstance(tgt.value, cst.Name) and tgt.value.value == name \
                        and len(tgt.slice) == 1 and isinstance(tgt.slice[0].slice, cst.Index) \
                        and key_of(tgt.slice[0].slice.value) in PROMPT_FIELDS:
                    found.update(_names(n.value))

    body.visit(_V())
    return found


def prompt_params(call: CallSite) -> tuple[str, frozenset[str]] | None:
    """The enclosing function (``f`` / ``Class.m``) and its parameters the request's prompt reads,
    through any chain of local assignments; None outside a function or when it reads none."""
    scope = call.scope
    while scope is not None and scope.kind not in ("function", "lambda"):
        scope = scope.parent
    if scope is None or scope.kind != "function" or not isinstance(scope.node, cst.FunctionDef):
        return None
    qual = scope.qualname()
    if qual is None or qual.count(".") > 1:
        return None
    fn = scope.node
    wanted: set[str] = set()
    for a in call.node.args:
        if a.keyword is not None and a.keyword.value in PROMPT_FIELDS:
            wanted |= _names(a.value)
        elif a.star == "**" and isinstance(a.value, cst.Name):
            wanted |= _request_dict_prompt(fn.body, a.value.value)
    flows = scope.__dict__.get("prompt_flows")
    if flows is None:  # once per function, for all its requests: (names written, names read)
        flows = scope.__dict__["prompt_flows"] = [(written, _names(read)) for written, read in _flows(fn.body)]
    for _ in range(_MAX_ROUNDS):
        grown = set(wanted)
        for written, read in flows:
            if written & wanted:
                grown |= read
        if grown == wanted:
            break
        wanted = grown
    params = {p.name.value for p in [*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params]}
    found = frozenset((params & wanted) - {scope.self_name or "self", "cls"})
    return (qual, found) if found else None


def caller_prompt_texts(call: CallSite) -> list[tuple[str | None, tuple[tuple[str, int], ...]]]:
    """Per path of callers: the static text it passes to the prompt parameters (None when some of
    it cannot be pinned) and the calls on the way; [] when there are no callers to ask."""
    from pytest_tokenbudget.lint.arguments import parameter_values
    from pytest_tokenbudget.lint.project import active

    act = active()
    found = prompt_params(call)
    if act is None or found is None:
        return []
    qual, params = found
    out: list[tuple[str | None, tuple[tuple[str, int], ...]]] = []
    for a in parameter_values(act[0], act[1], qual, params) or []:
        values = [a.values[p] for p in sorted(params) if p in a.values]
        text = "\n".join(t for v in values for t in iter_texts(v, skip_keys=_NOT_TEXT) if t)
        pinned = values and text.strip() and not any(_unpinned(v) for v in values)
        out.append((text if pinned else None, a.callers))
    return out


def every_caller_task(call: CallSite, judge: Callable[[str], str | None]) -> tuple[str, list[str]] | None:
    """The task (``judge`` of a prompt text) that *every* caller's prompt asks for, and where those
    callers are (``path:line``); None when a caller's prompt is unknown or asks for no such task."""
    from pytest_tokenbudget.lint.arguments import shown

    texts = caller_prompt_texts(call)
    if not texts or any(t is None for t, _ in texts):
        return None
    kinds = [judge(t) for t, _ in texts if t is not None]
    if not kinds or any(k is None for k in kinds):
        return None
    where = list(dict.fromkeys(f"{shown(c[0][0])}:{c[0][1]}" for _, c in texts if c))
    return str(max(dict.fromkeys(kinds), key=kinds.count)), where


def _unpinned(value: Any) -> bool:
    """A value with no static text at all (an unknown, or a list holding only unknowns)."""
    return not any(t.strip() for t in iter_texts(value, skip_keys=_NOT_TEXT))
