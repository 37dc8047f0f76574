"""Model choice rules (TB3xx): retired / deprecated and unknown ids (TB301, a premium model for a simple
task, lives in :mod:`.premium` and is re-exported here).

All three read the model from the catalog (:mod:`pytest_tokenbudget.core.catalog`): tiers, prices,
lifecycle and retirement dates are data, not lists in this file. An unresolved model (a variable
the linter cannot follow, ``**kwargs``) makes every rule here silent.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator
from typing import Any


from pytest_tokenbudget.core.catalog import Catalog, ModelInfo
from pytest_tokenbudget.core.lifecycle import lifecycle_sentence
from pytest_tokenbudget.core.model_ids import canonical, id_candidates
from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.intent import is_first_party, sent_to_bedrock
from pytest_tokenbudget.lint.rules.alternatives import cheaper_alternative
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.rules.premium import PremiumModelSimpleTask
from pytest_tokenbudget.lint.types import CallSite, FixSpec, Report

__all__ = [
    "PremiumModelSimpleTask",
    "RetiredOrDeprecatedModel",
    "UnknownModelId",
    "cheaper_alternative",
    "successor",
    "today",
]

def today() -> _dt.date:
    """The date lifecycle verdicts are taken against (tests pass ``today`` in the rule options)."""
    return _dt.date.today()


def _today(ctx: RuleContext) -> _dt.date:
    value = ctx.options.get("today")
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    return today()


def successor(catalog: Catalog, info: ModelInfo, on: _dt.date | None = None) -> ModelInfo | None:
    """The current model of the same tier to move to (the catalog's ``successor``, followed past
    retired ones)."""
    return catalog.successor(info, on)


# a table whose every value fails: a retired id and one the Claude API never knew (TB302 and TB303)
_RETIRED_OR_UNKNOWN_TABLE = """
import anthropic
client = anthropic.Anthropic()
TIERS = {"fast": "claude-3-haiku-20240307", "smart": "claude-opus-4-5-20251124"}
def ask(q, tier):
    return client.messages.create(model=TIERS[tier], max_tokens=512,
                                  messages=[{"role": "user", "content": q}])
"""


def default_note(call: CallSite) -> str:
    """`` (the default of parameter `model`)`` when that is where the call's model comes from."""
    from pytest_tokenbudget.lint.analysis.model_sources import default_note as note  # libcst: only when checking

    return note(call)


def _model_node(call: CallSite) -> Any:
    return call.arg_nodes.get("model")


@register
class RetiredOrDeprecatedModel(Rule):
    code = "TB302"
    name = "retired-or-deprecated-model"
    summary = "The model is retired (every call fails) or deprecated (it will stop working on a known date)."
    rationale = (
        "A retired model answers every request with an error, so the code path is dead and its retries "
        "are wasted; a deprecated model stops working on its retirement date, usually while its newer "
        "replacement is cheaper or better for the price. Retirement dates come from the catalog and are "
        "compared with today's date: a deprecated model whose date has passed is reported as retired. "
        "Only calls to the Claude API itself are checked (Bedrock and Google Cloud keep some models longer). "
        "The model is followed into env defaults, settings objects, constants, command-line option defaults, "
        "request dicts built by a helper (create(**self._build_params())) and the project's callers; a model "
        "parameter the callers fill from a model registry (records with a provider field) takes its Claude records. "
        "A retired id that one caller's path sends fails at run time, so a wrapper is reported when any "
        "caller passes such an id or relies on such a default (the finding names the caller), and a "
        "parameter default no project caller overrides is reported as the default; a default every caller "
        "overrides is not. When one path can take several values (if/elif branches, a conditional, a table "
        "indexed at run time, a helper returning a table lookup, every construction of a configuration "
        "object) the rule fires only when every value is retired or deprecated, or a Claude id the API "
        "does not know (TB303 names those)."
    )
    severity = "warning"
    precision = "very-high"
    SDKS = frozenset({"anthropic", "openai"})
    KINDS = frozenset({"create", "stream", "parse", "batch", "completion", "tool_runner"})  # + legacy completions
    VALID = [
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-sonnet-5-5", max_tokens=512,
                                          messages=[{"role": "user", "content": q}])
        """,
        # an OpenAI-compatible gateway other than the Claude API has its own lifecycle
        """
        import openai
        client = openai.OpenAI(base_url="https://openrouter.ai/api/v1")
        def ask(q):
            return client.chat.completions.create(model="claude-3-opus-20240229", max_tokens=512,
                                                  messages=[{"role": "user", "content": q}])
        """,
        # OpenAI's own legacy completions endpoint is not a Claude call.
        """
        import openai
        client = openai.OpenAI()
        text = client.completions.create(model="claude-2.1", prompt="Say hi", max_tokens=5)
        """,
        # an id the Claude API never had (from Claude 4 on the family comes first): TB303's 404, not a retirement
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-4-sonnet-20250514", max_tokens=512,
                                          messages=[{"role": "user", "content": q}])
        """,
        # Bedrock still serves some models the Claude API retired.
        """
        from anthropic import AnthropicBedrock
        client = AnthropicBedrock()
        def ask(q):
            return client.messages.create(model="anthropic.claude-opus-4-1-20250805-v1:0", max_tokens=512,
                                          messages=[{"role": "user", "content": q}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                return client.messages.create(model="claude-opus-4-1", max_tokens=512,
                                              messages=[{"role": "user", "content": q}])
            """,
            message="claude-opus-4-1 was retired on 2026-08-05",
            line=4,
        ),
        # the OpenAI SDK pointed at the Claude API
        Invalid(
            """
            from openai import OpenAI
            client = OpenAI(base_url="https://api.anthropic.com/v1/")
            def ask(q):
                return client.chat.completions.create(model="claude-opus-4-1-20250805", max_tokens=512,
                                                      messages=[{"role": "user", "content": q}])
            """,
            message="was retired on 2026-08-05",
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                return client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=512,
                                              messages=[{"role": "user", "content": q}])
            """,
            message="deprecated and retires on 2026-11-30 (in 6 days)",
            options={"today": "2026-11-24"},
        ),
        # the legacy Text Completions API (HUMAN_PROMPT / AI_PROMPT) only served retired models
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            completion = client.completions.create(model="claude-2.1", max_tokens_to_sample=300,
                                                   prompt=f"{anthropic.HUMAN_PROMPT} Hello{anthropic.AI_PROMPT}")
            """,
            message="claude-2.1 was retired on 2025-07-21",
            line=3,
        ),
        # every value of the table fails: a retired id, and one the Claude API never knew
        Invalid(
            _RETIRED_OR_UNKNOWN_TABLE,
            message="(and claude-opus-4-5-20251124, not a Claude API id: 404 as well)",
            options={"today": "2026-12-01"},
        ),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        platform = _platform(call)
        if platform is None:
            return
        now = _today(ctx)
        models = _possible_models(call)
        failing, unknown = _failing(models, ctx.catalog, now, platform)
        if not failing or len(failing) + len(unknown) != len(models):
            return  # one value the call may use is current (or cannot be told): not every request fails
        model, info, st = failing[0]
        new = successor(ctx.catalog, info, now)
        props = {"model": info.id, "lifecycle": st.state, "platform": platform,
                 "retires": st.retired.isoformat() if st.retired else None,
                 "suggested_model": new.id if new else None}
        where, related = crossref.related([model], "model")
        others = sorted({m for m, _, _ in failing[1:] if m != model})
        parts = [f"{', '.join(others)}, the other values it takes: all retired or deprecated"] if others else []
        parts += [f"{', '.join(unknown)}, not a Claude API id: 404 as well"] if unknown else []
        also = f" (and {'; and '.join(parts)})" if parts else ""
        origin = _origin(call, models)
        name = (info.id if model == info.id else f"{model} ({info.id})") + origin + where + also
        text = (lifecycle_sentence(ctx.catalog, info, on=now, platform=platform, name=name) or "") + (
            " (the legacy Text Completions API: move to messages.create)" if call.kind == "completion" else "")
        props.update(related)
        if st.state == "retired":
            yield Report(text.replace("every call fails", "every call fails (404 not_found_error)", 1),
                         node=_model_node(call), severity="error", properties=props)
        else:
            yield Report(text, node=_model_node(call), properties=props)


def _failing(models: list[Any], catalog: Catalog, now: _dt.date,
             platform: str) -> tuple[list[tuple[str, ModelInfo, Any]], list[str]]:
    """The values that are retired or deprecated (with their catalog row and state), and, on the
    Claude API when the call may take several values, the Claude ids the catalog does not know."""
    failing: list[tuple[str, ModelInfo, Any]] = []
    unknown: list[str] = []
    for m in models:
        info = catalog.find(m) if isinstance(m, str) else None
        if info is not None and platform == "api" and (_invented_id(m, catalog) or m not in _api_ids(catalog)):
            info = None  # claude-sonnet-4-5-latest / claude-3-7-sonnet: never an API id, a 404 (TB303, which
            # names the model's retirement too), not a retirement
        st = info.status(now, platform) if info is not None else None
        if info is not None and st is not None and st.state in ("retired", "deprecated"):
            failing.append((m, info, st))
        elif info is None and isinstance(m, str) and "claude" in m.lower() and platform == "api" and len(models) > 1:
            unknown.append(m)
    return failing, unknown


def _invented_id(model: str, catalog: Catalog) -> bool:
    """A spelling the Claude API never had, though the catalog reads it as a known model: a ``-latest``
    alias it never published (it had them for some Claude 3 models only), or a Claude 4+ id with the
    version first (``claude-4-sonnet-20250514``: from Claude 4 on the family comes first)."""
    if model in _api_ids(catalog):
        return False
    return model.endswith("-latest") or _VERSION_FIRST.match(model) is not None


_VERSION_FIRST = re.compile(r"claude-(?:[4-9]|\d\d)(?:[.-]\d)?-(?:opus|sonnet|haiku)\b")


def _unknown_among(call: CallSite, ctx: RuleContext, models: list[Any]) -> Iterator[Report]:
    """Several values (a table, callers, branches): reported when every one fails (retired,
    deprecated or unknown) and some are Claude ids the catalog does not know; one that works keeps
    the call silent (that value is judged where it is written, when it is)."""
    platform = _platform(call)
    if platform is None:
        return
    failing, unknown = _failing(models, ctx.catalog, _today(ctx), platform)
    if not unknown or len(failing) + len(unknown) != len(models):
        return
    close = ctx.catalog.suggestions(unknown[0])
    hint = f" (closest: {', '.join(close)})" if close else ""
    rest = ", ".join(m for m in models if m not in unknown)
    yield Report(f"unknown model {', '.join(map(repr, unknown))} among the values the call may take"
                 f"{_origin(call, models)}: not in the "
                 f"catalog{hint}; the Claude API answers 404 for an unknown id"
                 + (f", and the other values ({rest}) are retired or deprecated" if rest else ""),
                 node=_model_node(call), properties={"model": unknown[0], "suggestions": close})


def _possible_models(call: CallSite) -> list[Any]:
    """The model ids the call may send: its resolved model, or every value of ``model_choices``."""
    if call.model_choices is not None:
        return list(dict.fromkeys(call.model_choices)) if all(isinstance(m, str) for m in call.model_choices) \
            else [None]
    if call.model:
        return [call.model]
    from pytest_tokenbudget.lint.model_registry import registry_models  # a parameter no caller pins

    found = registry_models(call)
    return found[1] if found else []


def _origin(call: CallSite, models: list[Any]) -> str:
    """Where the value(s) came from: a parameter's default, or the project's model registry."""
    if call.model is None and call.model_choices is None and models:
        from pytest_tokenbudget.lint.model_registry import registry_models

        found = registry_models(call)
        return f" (the Claude model{'s' if len(models) > 1 else ''} of the model registry in {found[0]}, which the " \
               f"callers' model comes from)" if found else ""
    return default_note(call) if len(models) == 1 else ""


def _platform(call: CallSite) -> str | None:
    """Whose lifecycle applies to the call: the Claude API's (Anthropic SDK, Claude Platform on
    AWS, Foundry), Bedrock's or Vertex's. ``None`` for an OpenAI-compatible client, unless its
    base_url is the Claude API itself (api.anthropic.com/v1/)."""
    if call.sdk != "anthropic":
        return "api" if call.client.claude_api else None
    variant = call.client.variant or ""
    if "Bedrock" in variant or sent_to_bedrock(call):
        return "bedrock"
    if "Vertex" in variant:
        return "vertex"
    return "api"


def _api_ids(catalog: Catalog) -> set[str]:
    return {name for m in catalog for name in (m.id, *m.aliases)}


def _api_spelling(info: ModelInfo, model: str) -> str:
    """The id or API alias of ``info`` that ``model`` is a spelling of (``claude-sonnet-4.5`` ->
    ``claude-sonnet-4-5``; ``claude-2.1`` stays itself), else the row id."""
    wanted = set(id_candidates(model))
    for name in (info.id, *info.aliases):
        if canonical(name) in wanted:
            return name
    return info.id


def _replace_string(node: Any, text: str) -> Any:
    """A string literal like ``node`` (same prefix and quotes) holding ``text``, or None."""
    import libcst as cst

    if not isinstance(node, cst.SimpleString) or "\\" in text or node.quote in text:
        return None
    return node.with_changes(value=f"{node.prefix}{node.quote}{text}{node.quote}", lpar=[], rpar=[])


@register
class UnknownModelId(Rule):
    code = "TB303"
    name = "unknown-model-id"
    summary = "The model id is not in the catalog, or is a gateway spelling the Claude API does not accept."
    rationale = (
        "The Claude API answers 404 for an id it does not know, so the call fails after the request "
        "was built and sent (retries included); gateway spellings such as claude-sonnet-4.5 or "
        "anthropic/claude-sonnet-4-5 work on OpenRouter or LiteLLM but not through the Anthropic SDK. "
        "An id outside the catalog also cannot be priced or budgeted. The fix replaces a gateway "
        "spelling by the real id. An unknown id one caller passes, or a default one caller relies on, is "
        "reported with that caller. When one path can take several values (a table, branches), the "
        "unknown ones are reported only when no value works (every other one retired or deprecated)."
    )
    severity = "warning"
    precision = "high"
    SDKS = frozenset({"anthropic", "openai"})
    KINDS = frozenset({"create", "stream", "parse", "batch", "completion", "tool_runner"})  # + legacy completions
    VALID = [
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=512,
                                          messages=[{"role": "user", "content": q}])
        """,
        # Bedrock ids are the right form for a Bedrock client.
        """
        from anthropic import AnthropicBedrock
        client = AnthropicBedrock()
        def ask(q):
            return client.messages.create(model="us.anthropic.claude-sonnet-4-5-20250929-v1:0", max_tokens=512,
                                          messages=[{"role": "user", "content": q}])
        """,
        # Not a Claude model name: a proxy alias the linter cannot judge.
        """
        import anthropic
        client = anthropic.Anthropic(base_url="http://proxy")
        def ask(q):
            return client.messages.create(model="fast-tier", max_tokens=512,
                                          messages=[{"role": "user", "content": q}])
        """,
        # One value of the table works: the call is not broken for every tier.
        """
        import anthropic
        client = anthropic.Anthropic()
        TIERS = {"fast": "claude-haiku-5-5", "smart": "claude-opus-4-5-20251124"}
        def ask(q, tier):
            return client.messages.create(model=TIERS[tier], max_tokens=512,
                                          messages=[{"role": "user", "content": q}])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                return client.messages.create(model="claude-sonnet-5.5", max_tokens=512,
                                              messages=[{"role": "user", "content": q}])
            """,
            message="use 'claude-sonnet-5-5'",
            line=4,
        ),
        # a -latest alias the API never published for that model; the model it names is retired too
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                return client.messages.create(model="claude-sonnet-4-5-latest", max_tokens=512,
                                              messages=[{"role": "user", "content": q}])
            """,
            message="an id the Claude API never had: the Claude API answers 404 (not_found_error) for it; use "
                    "'claude-sonnet-4-5' (itself retired: move to 'claude-sonnet-5-5')",
            options={"today": "2026-12-01"},
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def ask(q):
                return client.messages.create(model="claude-sonnet-4-7", max_tokens=512,
                                              messages=[{"role": "user", "content": q}])
            """,
            message="not in the catalog",
        ),
        # Every value of the table fails: one is retired, the other never existed.
        Invalid(
            _RETIRED_OR_UNKNOWN_TABLE,
            message="unknown model 'claude-opus-4-5-20251124' among the values the call may take",
            options={"today": "2026-12-01"},
        ),
    ]
    FIX = "safe"

    def check(self, call: CallSite, ctx: RuleContext) -> Iterable[Report]:
        models = _possible_models(call)
        if len(models) > 1:
            yield from _unknown_among(call, ctx, models)
            return
        model = models[0] if models else None
        if not model or model.startswith("arn:"):
            return
        info = ctx.catalog.find(model)
        node = _model_node(call)
        if info is None:
            if "claude" not in model.lower() or _platform(call) in ("bedrock", "vertex"):
                return  # a proxy alias or another vendor's model, or a cloud's id: not the Claude API's to refuse
            close = ctx.catalog.suggestions(model)  # from the family the spelling names
            hint = f" (closest: {', '.join(close)})" if close else ""
            yield Report(
                f"unknown model {model!r}{_origin(call, models)}: not in the catalog{hint}; "
                f"the Claude API answers 404 for an unknown id "
                f"and tokenbudget cannot price it (a new model: add [tool.tokenbudget.models.\"{model}\"])",
                node=node, properties={"model": model, "suggestions": close},
            )
            return
        if not is_first_party(call):
            return
        if model in _api_ids(ctx.catalog):
            return
        correct = _api_spelling(info, model)
        if correct == model:
            return
        fix = None
        new_node = _replace_string(node, correct)
        if new_node is not None:
            fix = FixSpec(f"replace {model!r} by {correct!r}", ((node, new_node),), "safe")
        st = info.status(_today(ctx), "api")
        new = successor(ctx.catalog, info, _today(ctx)) if st is not None and st.state == "retired" else None
        after = f" (itself retired: move to {new.id!r})" if new is not None else ""
        what = "an id the Claude API never had" if _invented_id(model, ctx.catalog) \
            else "a gateway or shorthand spelling, not a Claude API id"
        yield Report(
            f"{model!r} is {what}: the Claude API answers 404 (not_found_error) for it; use {correct!r}{after}",
            node=node, severity="error", fix=fix, properties={"model": model, "suggested_model": correct},
        )

