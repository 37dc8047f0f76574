"""The legacy Text Completions API: ``client.completions.create(model="claude-2.1", prompt=...)``.

Anthropic's pre-Messages endpoint (``/v1/complete``, ``HUMAN_PROMPT``/``AI_PROMPT`` prompts,
``max_tokens_to_sample``) only ever served models that are retired now, so such a call is a
Claude request whose model-id rules (TB302 / TB303) matter, and TB401: a loop of them is a batch
once moved to the Messages API. The other cost rules, written for the Messages API's parameters, do
not look at it (its :attr:`~.types.CallSite.kind` is ``"completion"``, outside their ``KINDS``).

A call counts when its receiver is traced to an Anthropic client, or, untraced, when it has the
legacy shape: ``prompt=`` plus ``max_tokens_to_sample=`` and a Claude-looking ``model=``. The same
method of an OpenAI client (OpenAI's own legacy completions) is not a Claude call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.bindings import Candidate
from pytest_tokenbudget.lint.analysis.model_sources import model_choices
from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.scopes import ClientRef
from pytest_tokenbudget.lint.types import CallContext, CallSite, ClientInfo, Range

__all__ = ["LEGACY_API", "LEGACY_KIND", "legacy_completion"]

LEGACY_API = "completions.create"
LEGACY_KIND = "completion"


def legacy_completion(cand: Candidate, client: ClientRef | None, resolver: Resolver, path: str,
                      ranges: Callable[[Any], Range] | None) -> list[CallSite]:
    """The call site of a legacy ``completions.create`` call, or nothing when it is not Claude's."""
    if client is not None and client.sdk != "anthropic":
        return []
    args, is_open = resolver.call_kwargs(cand.node, cand.scope)
    model = args.get("model", (None, None))[0]
    if client is None and not ("prompt" in args and "max_tokens_to_sample" in args
                               and isinstance(model, str) and "claude" in model.lower()):
        return []
    info = ClientInfo(sdk="anthropic", traced=client is not None, variant=client.variant if client else None,
                      is_async=client.is_async if client else cand.awaited, has_timeout=True,
                      local=bool(client and client.local))
    streaming = args.get("stream", (False, None))[0]
    site = CallSite(api=LEGACY_API, kind=LEGACY_KIND, client=info, args={k: v for k, (v, _) in args.items()},
                     node=cand.node, arg_nodes={k: n for k, (_, n) in args.items()}, open_kwargs=is_open,
                     is_async=bool(info.is_async), streaming=streaming if isinstance(streaming, bool) else None,
                     context=CallContext(function=cand.scope.qualname()), path=path, _ranges=ranges)
    choices = model_choices(args["model"][1], cand.scope, resolver, path) if "model" in args else None
    if choices and all(isinstance(m, str) for m in choices):
        site.model_choices = choices  # MODEL set by each branch of `if args.version == ...`: every id it may send
    return [site]  # (a value read at run time keeps the resolved default: the endpoint serves only legacy ids)
