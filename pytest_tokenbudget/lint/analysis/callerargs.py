"""Request fields that come from the callers: a wrapper's parameters resolved at its call sites.

``def ask(system, prompt, model=MODEL): client.messages.create(system=system, ...)`` says nothing
by itself; its callers do (``ask(SYSTEM_PROMPT, text)``). For a call site whose request reads a
parameter of the enclosing function (directly, through locals, or through ``self.attr`` assigned
from an ``__init__`` parameter), :func:`variants` asks :mod:`..arguments` what the project's
callers pass and re-resolves the request once per caller (a *variant*: the same call site with
those values bound). Client parameters are never rebound. In a variant a conditional
``**({...} if flag else {})`` follows the known flag, ``**kwargs`` is the caller's extra keywords,
and ``kwargs["system"] = system`` items set on a request dict before ``create(**kwargs)`` count.

How the variants' results combine, per rule (:func:`rule_reports`), as a cost reviewer reads them:

* ``TB101`` / ``TB105`` / ``TB501`` (a saving any caller's requests would get): reported when the
  request of at least one caller qualifies (a large static prefix each time it sends one; JSON
  asked for by that caller's prompt with no structured output in the request);
* ``TB302`` / ``TB303`` (correctness: a retired or unknown id fails at run time): reported when one
  caller's request sends such an id, passed or left to the wrapper's default, naming that caller;
* ``TB301`` (a judgement on the model) and ``TB204`` (the wrapper's answer cap): reported only when
  *every* caller's request qualifies (every caller sends a premium model; asks for a short answer
  under the cap); a caller whose value is unknown keeps it silent;
* ``TB102``: only when every caller that caches has a known prefix below the minimum (callers
  that switch caching off do not count; an unknown size keeps it silent).

When callers are found, their variants replace the wrapper's own view (a parameter default is only
what callers that leave it out send). Findings name the callers ("passed by caller x.py:40 through
client.py:20"; "every caller sends such a value: ...") and list them as related locations (JSON
``related``, SARIF ``relatedLocations``); no automatic fix is offered on a caller's account. Rules not listed above see the call site as before.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.scopes import ClientRef, Scope, function_scope, lookup
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, OpenDict, Unknown, spelled_out
from pytest_tokenbudget.lint.analysis.variant_paths import compared, guards, negated, reachable
from pytest_tokenbudget.lint.analysis.wrappers import forwarded
from pytest_tokenbudget.lint.types import CallSite, Report

__all__ = ["ANY_CALLER", "EVERY_CALLER", "Variant", "function_name", "reads_parameters", "rule_reports", "variants"]

ANY_CALLER = frozenset({"TB101", "TB104", "TB105", "TB205", "TB302", "TB303", "TB501"})
EVERY_CALLER = frozenset({"TB204", "TB301"})
CACHING_CALLERS = frozenset({"TB102"})
MAX_VARIANTS = 24
Group = list[tuple[dict[tuple[int, str], Any], tuple[tuple[str, int], ...]]]  # one entry per caller (or side)
_FIELDS = frozenset({"system", "messages", "model", "tools", "tool_choice", "output_format", "output_config",
                     "response_format", "response_model", "cache_control", "extra_body", "max_tokens"})


@dataclass
class Variant:
    """The call site as one path of callers makes it."""

    site: CallSite
    # (path, line) of the calls on the way, the one writing the value last: one chain per function
    # whose parameters the call reads (``run``'s caller, and the constructor call that set
    # ``self.system``): independent paths, not one chain
    paths: tuple[tuple[tuple[str, int], ...], ...] = ()

    @property
    def callers(self) -> tuple[tuple[str, int], ...]:
        """Every call on the way, path after path."""
        return tuple(c for p in self.paths for c in p)


class _ParamResolver(Resolver):
    """The resolver with some function parameters bound to values (``overrides``); it records the
    parameters a resolution read."""

    def __init__(self, module: Scope, overrides: dict[tuple[int, str], Any] | None = None) -> None:
        super().__init__()
        # what same-module helpers return (clients, prompts) does not depend on the bound parameters
        self.__dict__["_factory_memo"] = module.__dict__.setdefault("factory_memo", {})
        self.overrides = overrides or {}
        self.read: dict[tuple[int, str], tuple[Scope, str]] = {}
        self.open_tests: dict[str, set[int]] = {}  # an undecided ``a if test else b``'s test -> its IfExps

    def _param(self, param: cst.Param, where: Scope, depth: int) -> Any:
        base = super()._param(param, where, depth)
        if isinstance(base, ClientRef) or where.kind != "function":
            return base  # a client is traced by its annotation: never rebound
        key = (id(where), param.name.value)
        self.read[key] = (where, param.name.value)
        return self.overrides.get(key, base)

    def _expr1(self, node: Any, scope: Scope, depth: int) -> Any:
        if isinstance(node, cst.Comparison):  # use_stream = max_tokens > 2048: known once the caller's value is
            return compared(self, node, scope, depth)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            return negated(self, node, scope, depth)
        if isinstance(node, cst.IfExp):
            test = self.expr(node.test, scope, depth + 1)
            if isinstance(test, Unknown):  # decided by a variant (_sides), else unknown
                code = _code(node.test)
                self.open_tests.setdefault(code, set()).add(id(node))
                test = self.overrides.get((0, code), test)
            if isinstance(test, Unknown) or not isinstance(test, (bool, int, str, type(None))):
                return UNKNOWN
            return self.expr(node.body if test else node.orelse, scope, depth + 1)
        return super()._expr1(node, scope, depth)

    def dict_items(self, node: Any, scope: Scope, depth: int = 0) -> tuple[dict[str, tuple[Any, Any]], bool] | None:
        if isinstance(node, cst.Name):
            found = lookup(node.value, scope)
            if found is not None and len(found[1]) == 1:
                where, (b,) = found
                if b.kind == "param":  # **kwargs: the caller's extra keywords
                    value = self.name(node.value, scope, depth + 1)
                    if isinstance(value, dict):
                        return {k: (v, node) for k, v in value.items()}, isinstance(value, OpenDict)
                    return None
        return super().dict_items(node, scope, depth)


def function_name(scope: Scope) -> str | None:
    """``f`` / ``Class.m`` for a module-level function or a method of a module-level class, and
    ``f.inner`` / ``Class.m.inner`` for a def nested in one (its callers are in that function)."""
    parent = scope.parent
    if parent is None:
        return None
    if parent.kind == "module":
        return scope.name
    if parent.kind == "class" and parent.parent is not None and parent.parent.kind == "module":
        return f"{parent.name}.{scope.name}"
    if parent.kind == "function" and scope.kind == "function" and (outer := function_name(parent)) is not None \
            and outer.count(".") == (parent.parent is not None and parent.parent.kind == "class"):
        return f"{outer}.{scope.name}"
    return None


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _sides(shared: list[str]) -> list[Group]:
    """One group of two variants (the test true, the test false) per undecided test that two of the
    request's ``a if test else b`` share (:func:`_read_params`): ``system = BINARY if kind == "binary"
    else LIKERT`` and ``model = "claude-haiku-4-5" if kind == "binary" else "claude-sonnet-4-5"`` pick
    a prompt and a model together, and the rules judge the pairs that are sent, not the longest prompt
    with the model of the lowest cache minimum."""
    return [[({(0, code): True}, ()), ({(0, code): False}, ())] for code in shared]


_SELF = re.compile(r"\bself\b")


def reads_parameters(site: CallSite, fields: frozenset[str]) -> bool:
    """Whether the request's ``fields`` read a parameter of a function (at any depth of their
    resolution: a default such as ``note=""`` stands for what callers pass) or ``self``."""
    rec = _ParamResolver(site.scope.module()) if site.scope is not None else None
    for a in site.node.args if isinstance(site.node, cst.Call) else ():
        if a.keyword is not None and a.keyword.value in fields:
            if rec is None or _SELF.search(_code(a.value)):
                return True
            rec.expr(a.value, site.scope)
    return rec is None or bool(rec.read)


def _read_params(site: CallSite) -> tuple[dict[int, tuple[Scope, set[str]]], list[tuple[Any, bool]], list[str]]:
    """The parameters (by function scope) the request fields that rules judge read, and the tests of
    the ``if`` statements around the request that read one of them too (which callers reach it:
    :mod:`.variant_paths`), with the parameters those tests read. A test on other parameters only
    (``if not api_key: raise``) is left out: asking every caller for them costs more than it tells.
    Last, the undecided tests (at most two) that two of the fields' conditional expressions share
    (:func:`_sides`), from the same reading."""
    rec = _ParamResolver(site.scope.module())
    for a in site.node.args:
        if a.star or (a.keyword is not None and a.keyword.value in _FIELDS):
            if a.star == "**":
                rec.dict_items(a.value, site.scope)
            rec.expr(a.value, site.scope)
    tests = []
    for test, truth in _guards(site) if rec.read else ():
        one = _ParamResolver(site.scope.module())
        one.expr(test, site.scope)
        if one.read.keys() & rec.read.keys():  # (a test on a field's parameter: `max_tokens > 2048`)
            tests.append((test, truth))
            rec.read.update(one.read)
    out: dict[int, tuple[Scope, set[str]]] = {}
    for where, name in rec.read.values():
        if name not in (where.self_name, "cls"):
            out.setdefault(id(where), (where, set()))[1].add(name)
    return out, tests, [code for code, nodes in rec.open_tests.items() if len(nodes) > 1][:2]


_CACHE: weakref.WeakKeyDictionary[CallSite, dict[bool, list[Variant]]] = weakref.WeakKeyDictionary()
_GROUPS: weakref.WeakKeyDictionary[CallSite, tuple[list[Group], list[tuple[Any, bool]], list[Group]]] = \
    weakref.WeakKeyDictionary()
MODEL_ALONE = frozenset({"TB302", "TB303"})  # judge the id alone: a choice among ids is the reviewer's choice rule


def variants(site: CallSite, paired: bool = True) -> list[Variant]:
    """The call site once per path of callers that give its parameters values ([] when none); with
    ``paired``, also once per side of a test its conditional expressions share (:func:`_sides`)."""
    memo = _CACHE.setdefault(site, {})
    if paired in memo:
        return memo[paired]
    read = _GROUPS.get(site)
    if read is not None and not read[2] and (not paired) in memo:
        return memo[not paired]  # no test two fields share: the paired variants are the unpaired ones
    try:
        out = _variants(site, paired)
    except RecursionError:
        raise  # deep code: the file is checked again with a deep stack
    except Exception:  # the callers' code is not this file's: it must not cost this file its findings
        out = []
    memo[paired] = out
    return out


def _variants(site: CallSite, paired: bool) -> list[Variant]:
    from pytest_tokenbudget.lint.analysis.model_sources import rebound_choices
    from pytest_tokenbudget.lint.arguments import parameter_values
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None or site.scope is None or site.batch or not site.context.in_function:
        return []
    project, path = act
    if site not in _GROUPS:  # read once per site: the resolvers share the module's memo of factory
        groups: list[Group] = []  # values, and a second reading would miss the parameters read under it
        read, tests, shared = _read_params(site)
        for where, names in read.values():
            function = function_name(where)
            if function is None:
                continue
            found = parameter_values(project, path, function, frozenset(names))
            if found:
                groups.append([({(id(where), p): v for p, v in a.values.items()}, a.callers) for a in found])
        _GROUPS[site] = groups, tests, _sides(shared)
    callers, tests, shared = _GROUPS[site]
    groups = callers + shared if paired else callers
    if not groups:
        return []
    out: list[Variant] = []
    sent = forwarded(site.node) if isinstance(site.node, cst.Call) else None
    request = sent[1] if sent is not None else site.node  # asyncio.to_thread(client.messages.create, ...): its keywords
    for combo in _combinations(groups):
        overrides = {k: v for binding, _ in combo for k, v in binding.items()}
        paths = tuple(via for _, via in combo if via)
        rs = _ParamResolver(site.scope.module(), overrides)
        if not reachable(rs, site.scope, tests):
            continue  # this caller's values take the other branch
        args, is_open = rs.call_kwargs(request, site.scope, at=site.at)
        nodes = {**site.arg_nodes, **{k: n for k, (_, n) in args.items()}}
        out.append(Variant(dataclasses.replace(site, args={k: v for k, (v, _) in args.items()}, arg_nodes=nodes,
                                               open_kwargs=is_open,
                                               model_choices=rebound_choices(site, nodes.get("model"), rs)),
                           paths))
        if len(out) >= MAX_VARIANTS:
            break
    return out


def _guards(site: CallSite) -> list[tuple[Any, bool]]:
    fn = function_scope(site.scope)
    return guards(fn.node, site.node) if fn is not None and fn.kind == "function" else []


def _combinations(groups: list[list[Any]]) -> Iterator[tuple[Any, ...]]:
    """The product of ``groups``, each entry of each group in one of the first combinations: the
    first :data:`MAX_VARIANTS` of the plain product would hold only the first callers of the first
    groups when a later group has many (a caller's retired model never looked at)."""
    first = list(dict.fromkeys(tuple(i % len(g) for g in groups) for i in range(max(len(g) for g in groups))))
    for at in first:
        yield tuple(g[i] for g, i in zip(groups, at))
    seen = set(first)
    for at in product(*(range(len(g)) for g in groups)):  # (lazily: the caller stops at MAX_VARIANTS)
        if at not in seen:
            yield tuple(g[i] for g, i in zip(groups, at))


def _caches(site: CallSite, wrapper: CallSite | None = None) -> bool:
    from pytest_tokenbudget.lint.analysis.prompt import caches, request_blocks

    return caches(request_blocks(site), request_blocks(wrapper) if wrapper is not None else None)


def rule_reports(rule: Any, site: CallSite, ctx: Any) -> list[Report]:
    """The rule's reports on ``site``, with the callers' values where the rule's policy uses them."""
    base = list(rule.check(site, ctx))
    code = rule.code
    if code not in ANY_CALLER | EVERY_CALLER | CACHING_CALLERS:
        return base
    vs = variants(site, paired=code not in MODEL_ALONE)
    if not vs:
        return base
    if code in CACHING_CALLERS:
        vs = [v for v in vs if _caches(v.site, site)]  # callers switching the wrapper's marker off do not count
        if not vs:
            return []
    firing: list[tuple[Variant, list[Report]]] = []
    for v in vs:  # what decides: the first caller that qualifies (any), or one that does not (every)
        each = [list(rule.check(one.site, ctx)) for one in _each_model(v)]
        reps = each[0] if all(each) else []  # a caller's choice of ids qualifies when every id does
        if reps:
            firing.append((v, reps))
            if code in ANY_CALLER:
                break
        elif code not in ANY_CALLER:
            return []
    if not firing:  # a nested def's own reading of its function's calls (.unpacked_model) still stands
        return base if code in ANY_CALLER and _nested(site) else []
    v, reps = firing[0]
    if base and [r.message for r in base] == [r.message for r in reps]:
        return base  # the finding does not depend on what the callers pass
    chains = [c for v, _ in (firing if code not in ANY_CALLER else firing[:1]) for c in v.paths or ((),)]
    return [_with_callers(r, chains, every=code not in ANY_CALLER) for r in reps]


def _nested(site: CallSite) -> bool:
    """The request is made in a def nested in another function."""
    s = site.scope
    while s is not None and s.kind not in ("function", "lambda"):
        s = s.parent
    return s is not None and s.parent is not None and s.parent.kind in ("function", "lambda")


def _each_model(v: Variant) -> list[Variant]:
    """A caller's choice of model ids (``model = "a"``, then ``if x: model = "b"``) as one variant
    per id (the rules judge each id the caller may send), else ``[v]``."""
    ids = spelled_out(v.site.args.get("model"))
    if len(ids) < 2:
        return [v]
    return [dataclasses.replace(v, site=dataclasses.replace(v.site, args={**v.site.args, "model": m})) for m in ids]


def _with_callers(rep: Report, chains: list[tuple[tuple[str, int], ...]], every: bool) -> Report:
    """``rep`` naming the callers whose values it rests on: with ``every``, each chain a caller's;
    else the chains of one variant (one per function whose parameters the call reads)."""
    from pytest_tokenbudget.lint.arguments import shown

    def at(c: tuple[str, int]) -> str:
        return f"{shown(c[0])}:{c[1]}"

    def one(chain: tuple[tuple[str, int], ...]) -> str:
        through = at(chain[0]) if len(chain) > 1 and at(chain[0]) != at(chain[-1]) else None
        return at(chain[-1]) + (f" through {through}" if through else "")

    if every:
        origins = list(dict.fromkeys(at(ch[-1]) for ch in chains if ch))
        suffix = f" (every caller sends such a value: {', '.join(origins[:3])}{', ...' if len(origins) > 3 else ''})"
    else:
        first: dict[str, tuple[tuple[str, int], ...]] = {}
        for ch in chains:  # one per caller, its first chain (a variant reading two functions' parameters)
            if ch:
                first.setdefault(at(ch[-1]), ch)
        named = [one(ch) for origin, ch in first.items() if f"caller {origin}" not in rep.message]
        suffix = ""  # (a caller the rule already named: "the prompt comes from caller x.py:12")
        if named:
            suffix = f" (passed by caller{'s' if len(named) > 1 else ''} {' and '.join(named)})"
    props = dict(rep.properties or {})
    related = list(props.get("related", []))
    seen = list(dict.fromkeys(c for ch in chains for c in ch))
    related += [{"path": shown(p), "line": line, "message": "value passed by this caller"} for p, line in seen]
    props["related"] = related
    return dataclasses.replace(rep, message=rep.message + suffix, properties=props, fix=None)
