"""How one pass of a loop feeds the next (TB401's dependent requests, for :mod:`.loopjudge`).

A loop whose next request reads this one's reply is a chain, not a batch: the reply is an argument,
it is appended to a history the request is built from, a collection the request reads grows on the
reply's say-so, or a name set from the reply after the request (directly, through a loop over it or
appends into a list later joined) is read by the next pass's request. The loop's own item, and what
the body binds first from it, is bound afresh each pass: filling it carries nothing over.
"""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.loopbody import grown_on_reply

__all__ = ["dependent", "target_names"]


def dependent(loop: ast.For | ast.AsyncFor, call: ast.Call) -> bool:
    """The loop's next request reads this one's reply: the reply is an argument, or it is appended
    to a history the request is built from (a conversation). A reply stored in a name the next pass
    binds afresh before its request is not: the loop's own variable (``item = classify(item)``), or
    a name the body sets first from this item (``finding = make(d)``, then ``finding = enhance(finding)``)."""
    body = ast.Module(body=loop.body, type_ignores=[])
    assigned: set[str] = set()
    for n in walk(body):
        if isinstance(n, ast.Assign) and any(c is call for c in walk(n.value)):
            assigned.update(name for t in n.targets for name in target_names(t))  # (reply, usage = ask(...))
    replies = set(assigned)
    assigned -= {*target_names(loop.target), *_set_first(loop, call)}
    arg_names = {n.id for a in [*call.args, *(k.value for k in call.keywords)] for n in walk(a)
                 if isinstance(n, ast.Name)}
    if assigned & arg_names:
        return True  # the request reads the previous response
    arg_names, assigned = _fed_names(body, call, arg_names, assigned)
    if grown_on_reply(loop, call, arg_names - _this_item(loop, call), replies):
        return True  # stories.append(row) unless the reply found a duplicate: the next request reads it
    fresh = {t.id for n in walk(body) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
             and not any(isinstance(x, ast.Name) and x.id == t.id for x in walk(n.value))}  # tags = []: per item
    if _carried(body, call, fresh):
        return True  # prev_tail = tail(blocks) after it, read by the next request
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend")
               and isinstance(n.func.value, ast.Name) and n.func.value.id in arg_names - fresh
               and any(isinstance(x, ast.Name) and x.id in assigned for a in n.args for x in walk(a))
               for n in walk(body))  # history.append(response): a conversation (a history kept across items)


def _this_item(loop: ast.For | ast.AsyncFor, call: ast.Call) -> set[str]:
    """The loop's item: its own names and those the body binds first from them (``cand =
    candidates[idx]``). Filling it (``cand["verdict"] = parsed``) is no collection the next pass reads."""
    own = set(target_names(loop.target))
    return own | {name for st in loop.body if isinstance(st, ast.Assign) and st.lineno < call.lineno and own & {
        x.id for x in walk(st.value) if isinstance(x, ast.Name)} for t in st.targets for name in target_names(t)}


def _set_first(loop: ast.For | ast.AsyncFor, call: ast.Call) -> set[str]:
    """The names a statement of the loop's body sets before the request, unconditionally and not
    from their own value (``finding = make(d)``; not ``history = history + [reply]``)."""
    return {name for st in loop.body if isinstance(st, ast.Assign) and (st.end_lineno or st.lineno) < call.lineno
            for t in st.targets for name in target_names(t)
            if not any(isinstance(x, ast.Name) and x.id == name for x in walk(st.value))}


def _carried(body: ast.Module, call: ast.Call, fresh: set[str]) -> bool:
    """A name assigned after the request from its reply (``prev_tail = tail(blocks)``, ``blocks =
    blocks + new``; also through a loop over it and appends: ``notes.append(r[:150])`` then ``prev =
    "\\n".join(notes)``) is read by the next pass's request, directly or through assignments before
    it, and no assignment before the request starts it afresh (``text = load(doc)``: this item's)."""
    assigns = [n for n in walk(body) if isinstance(n, ast.Assign)]
    end = call.end_lineno or call.lineno
    before = [n for n in assigns if n.lineno < call.lineno]
    after = [({name for t in n.targets for name in target_names(t)}, n.value) for n in assigns if n.lineno > end] + [
        (set(target_names(n.target)), n.iter) for n in walk(body) if isinstance(n, ast.For) and n.lineno > end] + [
        ({n.func.value.id}, n) for n in walk(body) if isinstance(n, ast.Call) and n.lineno > end  # notes.append(r)
        and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend")
        and isinstance(n.func.value, ast.Name)]
    read = {name for a in [*call.args, *(k.value for k in call.keywords)] for name in _free_names(a)}
    replies = {name for n in assigns if any(c is call for c in walk(n.value)) for t in n.targets
               for name in target_names(t)}
    for _ in range(3):
        for n in before:
            if {name for t in n.targets for name in target_names(t)} & read:
                read |= _free_names(n.value)
        for targets, value in after:
            if any(isinstance(x, ast.Name) and x.id in replies for x in walk(value)):
                replies |= targets
    carried = {name for targets, _ in after for name in targets} & replies
    reset = {t.id for n in before for t in n.targets if isinstance(t, ast.Name) and t.id in fresh}
    return bool((carried & read) - reset)


def _free_names(expr: ast.AST) -> set[str]:
    """The names ``expr`` reads, less those its comprehensions bind (``[t for _, t in batch]`` reads
    ``batch``, not a ``t`` of the loop around it)."""
    bound = {n.id for c in walk(expr) if isinstance(c, ast.comprehension) for n in walk(c.target)
             if isinstance(n, ast.Name)}
    return {x.id for x in walk(expr) if isinstance(x, ast.Name)} - bound


def _fed_names(body: ast.Module, call: ast.Call, args: set[str], replies: set[str]) -> tuple[set[str], set[str]]:
    """The names the request is built from, through the loop's assignments (``payload =
    prepare(question, history)``), and the names holding a reply, through stores into them
    (``question["answer"] = reply``): a history the reply is appended to, read by the next request,
    makes the loop a conversation however the request is assembled."""
    assigns = [n for n in walk(body) if isinstance(n, ast.Assign)]
    for _ in range(3):
        for n in assigns:
            targets = {name for t in n.targets for name in target_names(t)}
            read = {x.id for x in walk(n.value) if isinstance(x, ast.Name)}
            if targets & args:
                args = args | read
            stored = {t.value.id for t in n.targets if isinstance(t, (ast.Subscript, ast.Attribute))
                      and isinstance(t.value, ast.Name)}
            if read & replies or any(c is call for c in walk(n.value)):
                replies = replies | stored | targets
    return args, replies


def target_names(target: ast.expr) -> list[str]:
    """The names an assignment target binds: ``x``, and each name of ``a, (b, *c)``."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for el in target.elts for name in target_names(el)]
    return []
