"""What a call of an imported name gives the resolver (:class:`.resolve.Resolver`): an SDK client
(its host flags from the resolved ``base_url``), instructor's wrapper, an environment default,
volatile and daily values, ``textwrap.dedent``, ``dict()``, ``str()``, ``json.dumps``."""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import (INSTRUCTOR_WRAPPERS, ClientRef, ImportRef, Scope, client_class,
                                                     foreign_host, host_flags, names_other_host, points_local,
                                                     sets_timeout)
from pytest_tokenbudget.lint.analysis.strings import map_text
from pytest_tokenbudget.lint.analysis.values import (DAILY, UNKNOWN, OpenDict, Text, Unknown, first_volatile,
                                                     is_complete)
from pytest_tokenbudget.lint.analysis.volatile import daily_call, volatile_call
from pytest_tokenbudget.lint.text_calls import text_of_call

__all__ = ["library_call"]


def library_call(self: Any, target: ImportRef, node: cst.Call, scope: Scope, depth: int) -> Any:
    """An imported name's call: clients, env defaults, volatile values, text helpers, ``dict()``, ``json.dumps``."""
    q = target.qualname
    cc = client_class(target)
    if cc is not None:
        urls = [self.expr(a.value, scope, depth + 1) for a in node.args
                if a.keyword is not None and a.keyword.value == "base_url"]
        flags = host_flags(node)  # (a literal base_url; a resolved one: OpenAI(base_url=self.BASE_URL))
        flags["claude_api"] = flags["claude_api"] or any(isinstance(u, str) and "api.anthropic.com" in u
                                                         for u in urls)
        return ClientRef(cc[0], cc[1], cc[1].startswith("Async"), sets_timeout(node), points_local(node),
                         **flags, other_host=names_other_host(cc[1], node) or foreign_host(cc[0], urls))
    if q in INSTRUCTOR_WRAPPERS and node.args:  # instructor.from_anthropic(anthropic.Anthropic()) ...
        base = self.expr(node.args[0].value, scope, depth + 1)
        if isinstance(base, ClientRef):
            return dataclasses.replace(base, wrapper="instructor")
        anthropic_only = q == "instructor.from_anthropic"  # (takes only Anthropic's clients: one handed in too)
        return ClientRef("anthropic", "Anthropic", False, wrapper="instructor") if anthropic_only else UNKNOWN
    if q in ("os.getenv", "os.environ.get") and len(node.args) >= 2:  # the default reaches the call
        return self.expr(node.args[1].value, scope, depth + 1)
    first = [self.expr(a.value, scope, depth + 1) for a in node.args[:1]]  # time.strftime's format
    if (vol := volatile_call(q, first)) is not None:
        return Unknown(volatile=vol, node=node)
    if daily_call(q, first):
        return DAILY
    if q in ("textwrap.dedent", "inspect.cleandoc") and len(node.args) == 1:
        v = self.expr(node.args[0].value, scope, depth + 1)
        fn = textwrap.dedent if q == "textwrap.dedent" else inspect.cleandoc
        if isinstance(v, str):
            return fn(v)
        if isinstance(v, Text):
            return map_text(v, fn)
        return v if isinstance(v, Unknown) else UNKNOWN
    if q == "builtins.dict":
        return _dict_call(self, node, scope, depth)
    if q == "builtins.str" and len(node.args) == 1:
        v = self.expr(node.args[0].value, scope, depth + 1)
        if isinstance(v, (str, int)) and not isinstance(v, bool):
            return str(v)
        return v if isinstance(v, (Unknown, Text)) else UNKNOWN
    if q == "json.dumps" and node.args:  # with its formatting keywords, as the project evaluator reads it
        v = self.expr(node.args[0].value, scope, depth + 1)
        if not is_complete(v):
            return Unknown(volatile=first_volatile(v))
        rest = [(a.keyword.value if a.keyword else None, a.value) for a in node.args[1:]]  # (None: *a, **kw)
        return text_of_call(q, [v], rest, lambda n: self.expr(n, scope, depth + 1)) if not node.args[0].star \
            else UNKNOWN
    return UNKNOWN

def _dict_call(self: Any, node: cst.Call, scope: Scope, depth: int) -> Any:
    out: dict[str, Any] = {}
    is_open = False
    for i, a in enumerate(node.args):
        if a.keyword is not None:
            out[a.keyword.value] = self.expr(a.value, scope, depth + 1)
        elif i == 0 and a.star == "" and isinstance(inner := self.expr(a.value, scope, depth + 1), dict):
            out.update(inner)
            is_open = isinstance(inner, OpenDict)
        else:
            is_open = True
    return OpenDict(out) if is_open else out
