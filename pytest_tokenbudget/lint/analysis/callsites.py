"""Call-site extraction: which calls in a module are Claude API requests, with resolved arguments.

One libcst pass builds the scopes (bindings, imports, mutations, ``self.x`` attributes) and
collects calls whose callee *could* be an API method (``…messages.create`` or a bare name that
may be an alias). After the pass, each candidate's receiver is traced:

* to an SDK client (``anthropic.Anthropic()``, ``AsyncAnthropicBedrock``, ``openai.OpenAI()``,
  ``with_options(...)``, through names, ``self.client``, annotated parameters, aliases such as
  ``create = client.messages.create``): the API path decides (an OpenAI client has no
  ``messages.create``; ``client.beta.threads.messages.create`` is not a Messages call);
* or nowhere (a parameter, a helper's result): then the call must have Anthropic-shaped
  arguments, ``model=`` with ``messages=``, ``max_tokens=`` or ``**kwargs`` (Twilio's
  ``client.messages.create(body=..., to=...)`` does not).

OpenAI-style ``chat.completions.create`` counts only with a resolved Claude model. Each request
``params`` of ``messages.batches.create`` becomes its own :class:`~.types.CallSite`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.bindings import METHODS, MUTATORS, Candidate, ModuleAnalysis, analyse_module
from pytest_tokenbudget.lint.analysis.claude_ids import is_claude_like, is_claude_model, other_vendors_only
from pytest_tokenbudget.lint.analysis.facades import project_facade
from pytest_tokenbudget.lint.analysis.legacy import LEGACY_API, legacy_completion
from pytest_tokenbudget.lint.analysis.model_sources import model_choices
from pytest_tokenbudget.lint.analysis.unpacked_model import unpacked_model_choices
from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.scopes import (Binding, ClientRef, ImportRef, Scope, foreign_host, function_scope,
                                                 iter_name_refs, single_return)
from pytest_tokenbudget.lint.analysis.wrappers import forwarded, partial_alias, wrapped_method
from pytest_tokenbudget.lint.types import CallContext, CallSite, ClientInfo, LoopInfo, Range
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown

__all__ = ["extract_call_sites", "ModuleAnalysis", "analyse_module"]

_PASSTHROUGH = frozenset({"with_raw_response", "with_streaming_response"})


def _api_of(segs: list[str]) -> tuple[str, int] | None:
    """Match the tail of an attribute path to an API: (api, how many segments it uses)."""
    if len(segs) >= 3 and segs[-3:] == ["messages", "batches", "create"]:
        if len(segs) >= 4 and segs[-4] == "beta":
            return "beta.messages.batches.create", 4
        return "messages.batches.create", 3
    if len(segs) >= 2 and segs[-2] == "messages" and segs[-1] in METHODS:
        if len(segs) >= 4 and segs[-4:-2] in (["beta", "prompt_caching"], ["beta", "tools"]):  # the 2024 betas
            return f"beta.{segs[-3]}.messages.{segs[-1]}", 4
        if len(segs) >= 3 and segs[-3] == "beta":
            return f"beta.messages.{segs[-1]}", 3
        return f"messages.{segs[-1]}", 2
    if len(segs) >= 3 and segs[-3:-1] == ["chat", "completions"] and segs[-1] in ("create", "parse", "stream"):
        if len(segs) >= 4 and segs[-4] == "beta":
            return f"beta.chat.completions.{segs[-1]}", 4
        return f"chat.completions.{segs[-1]}", 3
    if len(segs) >= 2 and segs[-2:] == ["completions", "create"]:  # the legacy Text Completions API
        return "completions.create", 2
    return None


# --------------------------------------------------------------------------- receiver tracing
@dataclass
class _Receiver:
    api: str
    client: ClientRef | None  # None: untraced
    chain_timeout: bool  # with_options(timeout=...) in the chain
    rejected: bool = False


def _trace(func: Any, scope: Scope, resolver: Resolver, depth: int = 0) -> _Receiver | None:
    """Decompose ``<receiver>.<path>`` and trace the receiver."""
    segs: list[str] = []
    cur = func
    cur_scope = scope
    chain_timeout = False
    while depth < 12:
        depth += 1
        if isinstance(cur, cst.Attribute):
            if cur.attr.value not in _PASSTHROUGH:
                segs.insert(0, cur.attr.value)
            cur = cur.value
            now = _api_of(segs)
            if now is not None and (now[0] != LEGACY_API or not isinstance(cur, cst.Name)) \
                    and _is_receiver_root(cur, cur_scope, resolver):
                break
            continue
        if isinstance(cur, cst.Call) and _getattr_call(cur):  # getattr(client, name).create(...)
            attr = resolver.expr(cur.args[1].value, cur_scope)
            if not isinstance(attr, str) or not attr.isidentifier():
                return None
            segs.insert(0, attr)
            cur = cur.args[0].value
            now = _api_of(segs)
            if now is not None and _is_receiver_root(cur, cur_scope, resolver):
                break
            continue
        if isinstance(cur, cst.Call) and isinstance(cur.func, cst.Attribute) and cur.func.attr.value in ("with_options", "copy"):
            chain_timeout = chain_timeout or any(
                (a.keyword is not None and a.keyword.value == "timeout") or a.star for a in cur.args)
            cur = cur.func.value
            continue
        legacy = isinstance(cur, cst.Name) and (_api_of(segs) or ("",))[0] == LEGACY_API  # or `chat.completions`
        if isinstance(cur, cst.Name) and not segs or (isinstance(cur, cst.Name) and _api_of(segs) is None) or legacy:
            # an alias: `create = client.messages.create` / `messages = client.messages`
            found = resolver.lookup(cur.value, cur_scope)
            if found is None:
                return None
            where, bindings = found
            node = bindings[0].node if len(bindings) == 1 and bindings[0].kind == "assign" else None
            node = wrapped_method(node) or node  # create = retry(...)(client.messages.create)
            if isinstance(node, cst.IfExp):  # client.beta.messages if beta else client.messages
                node = _same_client_branch(node, where, resolver)
            if not isinstance(node, (cst.Attribute, cst.Call)):
                if legacy:
                    break
                return None
            cur = node
            cur_scope = where
            continue
        break
    api = _api_of(segs)
    if api is None:
        return None
    name, used = api
    extra = segs[: len(segs) - used]
    root = resolver.expr(cur, cur_scope)
    if isinstance(root, ClientRef):
        if extra:  # client.beta.threads.messages.create and friends
            return _Receiver(name, root, chain_timeout, rejected=True)
        return _Receiver(name, root, chain_timeout)
    if isinstance(root, ImportRef):
        # anthropic.resources... or a module-level function: never a client call
        return _Receiver(name, None, chain_timeout, rejected=True)
    if extra and extra[-1] in ("threads", "assistants", "realtime", "conversations", "responses") \
            or project_facade(cur, cur_scope, resolver, segs[-1]):  # (a project class shaped like the SDK)
        return _Receiver(name, None, chain_timeout, rejected=True)
    return _Receiver(name, None, chain_timeout)


def _getattr_call(node: cst.Call) -> bool:
    """``getattr(obj, name)`` (a default allowed): the namespace picked by a string, as an eval
    library does with ``getattr(client, client_function_name).create(...)``; the name must resolve."""
    return isinstance(node.func, cst.Name) and node.func.value == "getattr" and len(node.args) in (2, 3) \
        and all(a.keyword is None and not a.star for a in node.args)


def _same_client_branch(node: cst.IfExp, scope: Scope, resolver: Resolver) -> Any:
    """The first branch of ``a.messages if c else b.messages`` when both branches are the same
    client's messages namespace (``client.beta.messages`` / ``client.messages``), else None."""
    roots = []
    for branch in (node.body, node.orelse):
        cur = branch
        while isinstance(cur, cst.Attribute) and cur.attr.value in ("messages", "beta", "prompt_caching", "tools"):
            cur = cur.value
        if cur is branch:
            return None
        roots.append(resolver.expr(cur, scope))
    if isinstance(roots[0], ClientRef) and roots[0] == roots[1]:
        return node.body
    return None


def _is_receiver_root(node: Any, scope: Scope, resolver: Resolver) -> bool:
    """Stop walking outward once the remaining expression is a client (keeps `extra` honest)."""
    if isinstance(node, (cst.Attribute, cst.Call)):
        if isinstance(node, cst.Attribute):
            v = resolver.expr(node, scope)
            return isinstance(v, ClientRef)
        return not (isinstance(node.func, cst.Attribute) and node.func.attr.value in ("with_options", "copy"))
    return True


# --------------------------------------------------------------------------- call sites
def _looks_anthropic(args: dict[str, tuple[Any, Any]], is_open: bool = False) -> bool:
    """``model=`` with ``messages=`` or ``max_tokens=``, or with ``**kwargs`` holding the rest (a
    model-fallback helper: ``client.messages.create(model=name, **kwargs)``)."""
    return "model" in args and ("messages" in args or "max_tokens" in args or is_open)


def _streaming(api: str, args: dict[str, tuple[Any, Any]], is_open: bool) -> bool | None:
    if api.endswith(".stream"):
        return True
    if "stream" in args:
        v = args["stream"][0]
        return v if isinstance(v, bool) else None
    return None if is_open else False


def _loop_infos(cand: Candidate, arg_value_nodes: list[Any]) -> tuple[LoopInfo, ...]:
    if not cand.loops:
        return ()
    result_names = _result_names(cand)
    read_names: set[str] = set()
    for n in arg_value_nodes:
        read_names.update(iter_name_refs(n))
    out = []
    for kind, node, iter_node in cand.loops:
        targets = set()
        if kind in ("for", "async for"):
            targets = set(iter_name_refs(node.target))
        # a comprehension's (or a map's) result exists only after its last iteration: it cannot feed back
        feeds = (_feeds_back(node, result_names, read_names - targets)
                 if result_names and kind not in ("comprehension", "map") else False)
        out.append(LoopInfo(kind, node, feeds, iter_node))
    return tuple(out)


def _result_names(cand: Candidate) -> set[str]:
    st = cand.statement
    names: set[str] = set()
    if st is None:
        return names
    for small in st.body:
        if isinstance(small, cst.Assign):
            for t in small.targets:
                names.update(iter_name_refs(t.target))
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            names.update(iter_name_refs(small.target))
    return names


class _FlowCollector(cst.CSTVisitor):
    """(targets, names read) for assignments, and (mutated name, names read) for mutations."""

    def __init__(self) -> None:
        self.flows: list[tuple[set[str], set[str]]] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        targets: set[str] = set()
        for t in node.targets:
            targets.update(iter_name_refs(t.target))
        self.flows.append((targets, set(iter_name_refs(node.value))))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.flows.append((set(iter_name_refs(node.target)), set(iter_name_refs(node.value))))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.flows.append((set(iter_name_refs(node.target)), set(iter_name_refs(node.value))))

    def visit_Call(self, node: cst.Call) -> None:
        f = node.func
        if isinstance(f, cst.Attribute) and f.attr.value in MUTATORS and isinstance(f.value, cst.Name):
            reads: set[str] = set()
            for a in node.args:
                reads.update(iter_name_refs(a.value))
            self.flows.append(({f.value.value}, reads))


def _feeds_back(loop_node: Any, result_names: set[str], read_names: set[str]) -> bool:
    collector = _FlowCollector()
    loop_node.body.visit(collector)
    derived = set(result_names)
    # the loop's item is the next pass's new item: a reply stored into it feeds nothing forward
    rebound = set(iter_name_refs(loop_node.target)) if isinstance(loop_node, cst.For) else set()
    changed = True
    while changed:
        changed = False
        for targets, reads in collector.flows:
            if reads & derived and not (targets - rebound) <= derived:
                derived |= targets - rebound
                changed = True
    return bool(derived & read_names)


def extract_call_sites(module: cst.Module | ModuleAnalysis, *, path: str = "", catalog: Any = None,
                       ranges: Callable[[Any], Range] | None = None) -> list[CallSite]:
    """Every Claude API request in ``module``, in source order.

    ``catalog`` decides whether an OpenAI-style call's model is a Claude model (default: the
    shipped catalog). ``ranges`` maps a node to its :class:`~.types.Range` (the engine passes a
    lazy position index); without it ``CallSite.range()`` raises.
    """
    if catalog is None:
        from pytest_tokenbudget.core.catalog import shipped_catalog

        catalog = shipped_catalog()
    analysis = module if isinstance(module, ModuleAnalysis) else analyse_module(module)
    b = analysis.builder
    resolver = analysis.resolver
    cands = list(b.candidates)
    cands.extend(c for c in b.alias_calls if isinstance(c.node.func, cst.Name) and c.node.func.value in b.alias_names)
    out: list[CallSite] = []
    for cand in cands:
        out.extend(_sites_for(cand, resolver, catalog, path, ranges))
    for cand in b.forwarded:
        out.extend(_sites_for(cand, resolver, catalog, path, ranges, forwarded(cand.node)))
    return _without_provider_switch_branches(out)


def _configured_elsewhere(scope: Any) -> bool:
    """The module sets another provider's Anthropic-compatible endpoint as its base URL
    (``DEFAULT_BASE_URL = "https://api.deepseek.com/anthropic"``) and never names the Claude API:
    the clients it is handed (``client: anthropic.Anthropic``) are made for that endpoint."""
    texts = [b.node.evaluated_value for bs in scope.module().bindings.values() for b in bs
             if b.kind == "assign" and isinstance(b.node, cst.SimpleString)]
    urls = [t for t in texts if isinstance(t, str) and "/anthropic" in t]
    return foreign_host("anthropic", urls) and not any("anthropic.com" in t for t in texts if isinstance(t, str))


def _without_provider_switch_branches(sites: list[CallSite]) -> list[CallSite]:
    """Drop the OpenAI branches of a provider switch: an ``OpenAI()`` sending to OpenAI's own host (no
    ``base_url``) or a literal other one (OpenRouter, a proxy) a model setting that the same file also
    sends through an Anthropic client. The Claude id is the switch's shared default, meant for the
    Anthropic branch. A model written at the OpenAI call itself, or a ``base_url`` from a setting,
    still counts (a gateway to Claude)."""
    anthropic_models = {_setting_name(s.arg_nodes.get("model")) for s in sites if s.client.sdk == "anthropic"}
    anthropic_models.discard(None)
    return [s for s in sites
            if not (s.client.other_host and _setting_name(s.arg_nodes.get("model")) in anthropic_models)]


def _setting_name(node: Any) -> str | None:
    """``MODEL`` / ``settings.model`` / ``self.model`` as written, or None for anything else."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.insert(0, node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    return ".".join([node.value, *parts])


def _sites_for(cand: Candidate, resolver: Resolver, catalog: Any, path: str,
               ranges: Callable[[Any], Range] | None, via: tuple[Any, Any] | None = None) -> list[CallSite]:
    method, call = via or partial_alias(cand.node, cand.scope, resolver) or (cand.node.func, cand.node)  # (a wrapper's)
    rec = _trace(method, cand.scope, resolver)
    if rec is None or rec.rejected:
        return []
    api = rec.api
    client = rec.client
    if api == LEGACY_API:
        return legacy_completion(cand, client, resolver, path, ranges)
    is_openai_api = ".completions." in f".{api}"
    # instructor over an Anthropic client: chat.completions.create and messages.create both run Claude
    via_instructor = client is not None and client.wrapper == "instructor" and client.sdk == "anthropic"
    if client is not None and not via_instructor:
        if (client.sdk == "openai") != is_openai_api or client.reseller or (client.sdk == "anthropic" and (
                client.other_host or _configured_elsewhere(cand.scope))):
            return []  # (an Anthropic client sent to DeepSeek / Kimi ...: their models, not Claude; OpenRouter's API)
    if via_instructor and is_openai_api:
        is_openai_api = False
    args, is_open = resolver.call_kwargs(call, cand.scope, at=cand.at)
    is_async = client.is_async if client is not None else (cand.awaited or _in_async_function(cand.scope))
    has_timeout = rec.chain_timeout or (client.has_timeout if client is not None else True)
    fn_qual = cand.scope.qualname()
    fn_scope = function_scope(cand.scope)
    cls = fn_scope.owner_class.name if fn_scope is not None and fn_scope.owner_class is not None else None

    def make(site_args: dict[str, tuple[Any, Any]], site_open: bool, *, kind: str, anchor: Any,
             streaming: bool | None, batch: bool = False, index: int | None = None, template: bool = False,
             sdk: str) -> CallSite:
        info = ClientInfo(sdk=sdk, traced=client is not None, variant=client.variant if client else None,
                          is_async=is_async, has_timeout=has_timeout, local=bool(client and client.local),
                          wrapper=client.wrapper if client else None, claude_api=bool(client and client.claude_api),
                          other_host=bool(client and client.other_host))
        value_nodes = [n for _, n in site_args.values()]
        ctx = CallContext(function=fn_qual, is_async_function=bool(fn_scope and fn_scope.is_async),
                          class_name=cls, loops=_loop_infos(cand, value_nodes))
        return CallSite(api=api, kind=kind, client=info, args={k: v for k, (v, _) in site_args.items()},
                        node=cand.node, anchor=anchor, arg_nodes={k: n for k, (_, n) in site_args.items()},
                        open_kwargs=site_open, is_async=is_async, streaming=streaming, batch=batch,
                        batch_index=index, batch_template=template, context=ctx, path=path, _ranges=ranges,
                        scope=cand.scope, at=cand.at)

    if api.endswith("batches.create"):
        if client is None and "requests" not in args:
            return []
        sites = []
        for i, (params_node, p_scope, template) in enumerate(_batch_params(args.get("requests", (None, None))[1],
                                                                          cand.scope, resolver)):
            if isinstance(params_node, cst.Call) and _params_constructor(params_node.func):
                items = resolver.call_kwargs(params_node, p_scope)  # MessageCreateParamsNonStreaming(model=...)
            else:
                items = resolver.dict_items(params_node, p_scope)
            if items is None:
                continue
            p_args, p_open = items
            if client is None and not _looks_anthropic(p_args):
                continue
            sites.append(make(p_args, p_open, kind="batch", anchor=params_node, streaming=False, batch=True,
                              index=i, template=template, sdk="anthropic"))
        return sites
    kind = api.rsplit(".", 1)[-1]
    if is_openai_api:
        if not (client and client.claude_api) and not is_claude_model(args.get("model", (UNKNOWN, None))[0], catalog):
            return []  # (the Claude API's OpenAI-compatible endpoint serves only Claude's models)
        return [make(args, is_open, kind=kind, anchor=cand.node, streaming=_streaming(api, args, is_open),
                     sdk="openai")]
    if client is None:
        if not _looks_anthropic(args, is_open) or not is_claude_like(args.get("model", (UNKNOWN, None))[0]):
            return []
    site = make(args, is_open, kind=kind, anchor=cand.node, streaming=_streaming(api, args, is_open), sdk="anthropic")
    if "model" in args:
        site.model_choices = model_choices(args["model"][1], cand.scope, resolver, path, at=cand.at)
    elif is_open:  # create(**self._build_params()): the "model" entry of the dict built elsewhere
        site.model_choices = unpacked_model_choices(call, cand.scope, resolver, path)
    return [] if other_vendors_only(site.model_choices or (site.model,)) else [site]  # (DeepSeek's endpoint)


def _batch_params(node: Any, scope: Scope, resolver: Resolver, depth: int = 0) -> Iterator[tuple[Any, Scope, bool]]:
    """The ``params`` expressions of a batch's ``requests`` (literal list, comprehension, name, helper call)."""
    if node is None or depth > 8:
        return
    if isinstance(node, cst.Name):
        found = resolver.lookup(node.value, scope)
        if found is None:
            return
        where, bindings = found
        if len(bindings) == 1 and bindings[0].kind == "assign" and isinstance(bindings[0].node, cst.List) \
                and not bindings[0].node.elements and where.mutated.get(node.value) == {"append"}:
            for item in _appended(where.node, node.value):  # requests = []; requests.append(Request(...)) per item
                bound = resolver.lookup(item.value, where) if isinstance(item, cst.Name) else None
                if bound is not None and len(bound[1]) == 1 and bound[1][0].kind == "assign":
                    item = bound[1][0].node  # req = Request(...); requests.append(req)
                p = _params_of_request(item, where, resolver)
                if p is not None:
                    yield p[0], p[1], True
        elif len(bindings) == 1 and bindings[0].kind == "assign":
            yield from _batch_params(bindings[0].node, where, resolver, depth + 1)
        return
    if isinstance(node, (cst.List, cst.Tuple)):
        for el in node.elements:
            if isinstance(el, cst.Element):
                p = _params_of_request(el.value, scope, resolver)
                if p is not None:
                    yield p[0], p[1], False
        return
    if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
        p = _params_of_request(node.elt, scope, resolver)
        if p is not None:
            yield p[0], (_comp_scope_for(node, scope) if p[1] is scope else p[1]), True
        return
    if isinstance(node, cst.Call):  # requests=build_requests(items): the list a same-module helper returns
        helper = single_return(node.func, scope)
        if helper is not None:
            yield from _batch_params(helper[0], helper[1], resolver, depth + 1)


def _appended(root: Any, name: str) -> Iterator[Any]:
    """The values ``name.append(value)`` adds anywhere under ``root`` (a function's body)."""
    from pytest_tokenbudget.lint.cstwalk import children

    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "append" \
                and isinstance(node.func.value, cst.Name) and node.func.value.value == name and len(node.args) == 1:
            yield node.args[0].value
        stack.extend(reversed(children(node)))


def _params_constructor(func: Any) -> bool:
    """``dict(...)`` or the SDK's TypedDicts (``MessageCreateParamsNonStreaming(...)``) as params."""
    name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else ""
    return name == "dict" or (name.startswith("MessageCreateParams") and name[:1].isupper())


def _comp_scope_for(node: Any, scope: Scope) -> Scope:
    # Names bound by the comprehension are unknown anyway: resolving in the outer scope is safe
    # except that a comprehension variable could shadow an outer constant. Make them unknown.
    comp = Scope("comprehension", scope, "<comp>", node)
    for_in = node.for_in
    while for_in is not None:
        for n in iter_name_refs(for_in.target):
            comp.bind(n, Binding("other"))
        for_in = for_in.inner_for_in
    return comp


def _params_of_request(node: Any, scope: Scope, resolver: Resolver, depth: int = 0) -> tuple[Any, Scope] | None:
    """(the ``params`` expression of one batch request, the scope to resolve it in)."""
    if isinstance(node, cst.Dict):
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                key = resolver.expr(el.key, scope)
                if key == "params":
                    return el.value, scope
        return None
    if isinstance(node, cst.Call):
        for a in node.args:
            if a.keyword is not None and a.keyword.value == "params":
                return a.value, scope
        helper = single_return(node.func, scope) if depth < 4 else None  # make_request(i, p) -> Request(params=...)
        if helper is not None:
            return _params_of_request(helper[0], helper[1], resolver, depth + 1)
    return None


def _in_async_function(scope: Scope) -> bool:
    fn = function_scope(scope)
    return bool(fn and fn.is_async)


__all__ += ["UNKNOWN", "Unknown"]
