"""TB1xx: prompt caching.

Caching covers tools -> system -> messages up to a ``cache_control`` breakpoint; a cached read
costs 0.1x the input price, a write 1.25x (5 minutes) or 2x (1 hour). Prefixes shorter than the
model's minimum are silently not cached; at most 4 breakpoints are allowed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_tokenbudget.core.tokens import estimate_tokens
from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.plausible_models import cache_minimum
from pytest_tokenbudget.lint.analysis.marker_neighbours import marked_where_built, no_marker_nearby
from pytest_tokenbudget.lint.analysis.prompt import (Block, Blocks, ToolOverhead, prefix_tokens, request_blocks,
                                                     sends_tools, static_prefix, tool_overhead)
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, Valid, register
from pytest_tokenbudget.lint.rules.batching import retry_loop
from pytest_tokenbudget.lint.types import CallSite, Report
from pytest_tokenbudget.lint.analysis.bounds import block_leads, clears_minimum, most_tokens, short_of_minimum
from pytest_tokenbudget.lint.analysis.values import volatile_parts
from pytest_tokenbudget.lint.rules._util import fmt_int, money, usd
from pytest_tokenbudget.lint.rules.volatile_prefix import cached_prefix_values

_ANTHROPIC = frozenset({"anthropic"})
_REQUESTS = frozenset({"create", "stream", "parse", "batch", "tool_runner"})  # (a runner: a request per turn)


def _section_node(call: CallSite, blocks: list[Block]):
    """The argument expression holding the last of ``blocks`` (for the finding's position)."""
    if blocks:
        return call.arg_nodes.get(blocks[-1].section, call.anchor)
    return call.anchor


def _unseen_parts_unmarked(blocks: Blocks, ctx: RuleContext) -> bool:
    """The request's unresolved parts (a history passed in, a system list built elsewhere) carry no
    ``cache_control``: every part that is seen is unmarked, there is no top-level marker, and no
    file of the project writes ``cache_control`` at all, or none linked to this file by an import
    (:mod:`..analysis.marker_neighbours`), so nothing that reaches the request can hold one."""
    return (blocks.top_level_cache is False and all(b.cache_control is False or b.opaque for b in blocks.items)
            and (not ctx.project_mentions("cache_control") or no_marker_nearby(ctx.path)))


def _tool_overhead(ctx: RuleContext, model: str | None, call: CallSite) -> ToolOverhead:
    """What the API adds for ``model`` when the call sends tools: the tool-use system prompt (larger
    when the call forces a tool) and the definitions of Anthropic-defined tools (none when unknown)."""
    return tool_overhead(ctx.catalog.find(model) if model else None, call)


@register
class MissingCacheControl(Rule):
    code = "TB101"
    FIX = "safe"  # the system string as a cached block; top-level cache_control is unsafe
    name = "missing-cache-control"
    summary = "A large static prompt prefix is sent on every call without cache_control."
    rationale = (
        "Prompt caching bills a cached prefix at 0.1x the input price on every read (after a 1.25x write). A static "
        "system prompt / tool list / few-shot prefix at or above the model's minimum cacheable length that is "
        "re-sent from a function or a loop is paid in full every time: marking it (top-level cache_control={'type': "
        "'ephemeral'} in SDK 2.x, or a cache_control block marker on the last static block) saves ~90% of that "
        "prefix's input cost per call. Only calls that can repeat (inside a function, method, loop or a batch "
        "comprehension; not a script's helper its main block calls once) are flagged; the prefix estimate must clear "
        "the minimum by 5% (the cl100k estimate runs below Claude's own count, but a prefix at the threshold is too "
        "close to call and saves the least; the chars/4 fallback needs the safety margin). Parts of the request the "
        "linter cannot see (a history passed in) are taken to carry no marker only when no file of the project "
        "writes cache_control. A prompt picked among several static texts (a dict read with a key known at run time, "
        "a helper with several returns, an if/else) counts by its longest candidate, as a prompt that several "
        "callers pass does: the calls sending it pay in full, and a marker on a shorter one costs nothing. A model "
        "picked among ids the call's code spells out (an if/elif router, the callers' ids, a table it reads) is "
        "judged by the highest minimum among them, so that the finding holds for every request; a model read at run "
        "time with no such choices (a database row, a setting) by the lowest minimum among the models the code "
        "names: the marker pays on those calls and costs nothing on the others. Tool definitions are taken to be the "
        "same on every call: those built at run time are not counted, a tool with a run-time setting inside counts "
        "by its static parts, and a tool counts as its JSON (names, types and all). A request that sends tools "
        "(built at run time too, when tools= is not conditional) carries the tool-use system prompt the API adds "
        "(264-675 tokens depending on the model, the catalog's tool-prompt-tokens; up to 804 when tool_choice forces "
        "a tool, tool-prompt-tokens-forced), which counts towards the prefix."
    )
    KINDS = _REQUESTS
    SDKS = _ANTHROPIC
    VALID = [
        # cached with a block marker
        '''
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = "You are a meticulous support agent. " * 400
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": q}])
        ''',
        # automatic caching: the top-level argument
        '''
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = "You are a meticulous support agent. " * 400
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,
                cache_control={"type": "ephemeral"}, messages=[{"role": "user", "content": q}])
        ''',
        # one-shot script at module level: nothing is reused
        '''
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = "You are a meticulous support agent. " * 400
        client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,
            messages=[{"role": "user", "content": "hi"}])
        ''',
        # short prompt: below the minimum cacheable length
        '''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                system="Be brief.", messages=[{"role": "user", "content": q}])
        ''',
        # the system prompt is unknown (loaded at runtime)
        '''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q, system):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=system,
                messages=[{"role": "user", "content": q}])
        ''',
        # **kwargs could carry cache_control
        '''
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = "You are a meticulous support agent. " * 400
        def ask(q, **kw):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,
                messages=[{"role": "user", "content": q}], **kw)
        ''',
        # the conversation history could hold a breakpoint: the project writes cache_control markers
        '''
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = "You are a meticulous support agent. " * 400
        def chat(history):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,
                messages=history)
        def remember(history, text):
            history.append({"role": "user", "content": [
                {"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]})
        ''',
    ]
    INVALID = [
        # a history passed in cannot hold a marker: no file of the project writes cache_control
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = "You are a meticulous support agent. " * 400
        def chat(history):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,
                messages=history)
        ''', message="re-sent uncached", line=5),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        SYSTEM = "You are a meticulous support agent. " * 400
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,
                messages=[{"role": "user", "content": q}])
        ''', message="cache_control", line=5),
        Invalid('''
        from anthropic import AsyncAnthropic
        import textwrap
        RULES = textwrap.dedent("""
            Follow the refund policy below exactly.
        """) + "Policy clause. " * 2500
        async def answer(client: AsyncAnthropic, questions):
            for q in questions:
                await client.messages.create(model="claude-haiku-4-5", max_tokens=256, system=RULES,
                    messages=[{"role": "user", "content": q}])
        ''', message="per call"),
        # the static rules lead the system block; the per-call glossary ends it: split, then cache
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        RULES = "Follow the refund policy below exactly. " * 400
        def ask(q, glossary):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=RULES + glossary,
                messages=[{"role": "user", "content": q}])
        ''', message="block of its own"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        looped = any(not retry_loop(x) for x in call.context.loops) or call.batch_template or call.kind == "tool_runner"
        if not (looped or call.context.in_function) or not looped and crossref.sent_once(call.context.function):
            return  # sent once per process (module-level code, a script's helper run once; a retry resends on failure)
        blocks = request_blocks(call, opaque_tools=True)
        if blocks.may_have_cache_control and not _unseen_parts_unmarked(blocks, ctx):
            return
        prefix = static_prefix(blocks)
        following = next((b for b in blocks.items if not b.opaque and not b.complete), None)
        # the static start of the next block: one per candidate text (analysis.bounds), the longest counts
        leads, whole = block_leads(following.value) if following is not None else ([], False)
        if not prefix and not any(leads):
            return
        # a model picked among the call's own choices: the highest of their minimums (every request can
        # cache the prefix); read at run time: the lowest minimum of the models the code names (a marker
        # costs nothing where the prefix is short); none named, or an unconfirmed minimum: the largest known
        floor = cache_minimum(call, ctx, fallback_largest=True)
        if floor is None:
            return
        info, minimum = ctx.model_info(call), floor.tokens
        overhead = _tool_overhead(ctx, floor.model, call)
        sent = [b for b in blocks.items if b.section == "tools" and b.opaque][:1] if sends_tools(call) else []
        tokens = prefix_tokens(prefix) + overhead.tokens([*sent, *prefix])
        split = ""
        if not clears_minimum(tokens, minimum) and any(leads):  # a static start of a block with per-call text after it
            tokens = max(estimate_tokens("\n".join([*(b.text for b in prefix), lead])) for lead in leads)
            tokens += overhead.tokens([*sent, *prefix])
            prefix = [*prefix, following]
            split = (f" (the {prefix[-1].section} prompt is one of {len(leads)} static texts, the longest this long: "
                     "the calls sending it pay in full, a marker on a shorter one costs nothing)"
                     if whole else f" (the {prefix[-1].section} block ends with per-call text: put the static part "
                     "in a block of its own and mark that one)")
        if not clears_minimum(tokens, minimum) or marked_where_built(call, blocks):
            return  # (a marker the function sets on a block list it builds: likely cached)
        sections = "+".join(dict.fromkeys(b.section for b in prefix))
        if overhead.describe([*sent, *prefix]):
            sections += f", with {overhead.describe([*sent, *prefix])} the API adds"
        if any(b.opaque and b.cache_control is None for b in blocks.items):
            sections += "; tool definitions built at run time are not counted"
        elif any(b.opaque for b in blocks.items):
            sections += "; of the tool lists the code picks between, the smallest counts"
        model = floor.describe(call.model or "the model")
        saving = None
        props: dict[str, object] = {"prefix_tokens": tokens}
        if info is not None and info.input is not None and info.cache_read is not None:
            saving = usd(tokens, info.input - info.cache_read)
            props["saving_usd_per_call"] = money(tokens, info.input - info.cache_read)
        cost = f"; caching saves ~{saving} per call after the first" if saving else \
            "; cached reads cost 0.1x the input price"
        # a tool list loaded elsewhere is known by its container (its blocks are the tools inside it)
        tools = [call.get("tools", None)] if any(b.section == "tools" for b in prefix) else []
        where, extra = crossref.related([*tools, *(b.value for b in prefix)], "prompt")
        props.update(extra)
        yield Report(
            f"~{fmt_int(tokens)} tokens of static prompt ({sections}) are re-sent uncached on every call "
            f"(minimum cacheable for {model}: {fmt_int(minimum)}){cost}. Add cache_control="
            "{'type': 'ephemeral'} to the call (automatic caching) or a cache_control marker on the last "
            f"static block{split}{where}",
            node=_section_node(call, prefix),
            properties=props,
            fix=None if split and not whole else _cache_control_fix(call, tuple(dict.fromkeys(b.section for b in prefix))),
        )


@register
class CacheBelowMinimum(Rule):
    code = "TB102"
    name = "cache-below-minimum"
    summary = "cache_control marks a prefix shorter than the model's minimum cacheable length."
    rationale = (
        "The API does not cache prefixes below the model's minimum (512-4,096 tokens depending on "
        "the model) and returns no error: the marker silently does nothing, and the team believes it "
        "is paying 0.1x for input it pays in full. Either grow the cached prefix (move static "
        "instructions or examples before the breakpoint) or drop the marker. Flagged only when the "
        "whole prefix up to the breakpoint is static and falls short by the estimator safety margin (for a "
        "prompt picked among several static texts: when the largest candidate does; a field declared as a "
        "Literal, or with a short one-line label default, counts at its largest). A model chosen at run time "
        "must fall short of every model the code names."
    )
    KINDS = _REQUESTS
    SDKS = _ANTHROPIC
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        LONG = "Policy clause. " * 2000
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                system=[{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": q}])
        ''',
        # part of the prefix is dynamic: its size is unknown
        '''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q, docs):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                system=[{"type": "text", "text": docs, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": q}])
        ''',
        # top-level caching: the last block is dynamic, the total is unknown
        '''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256, system="Be brief.",
                cache_control={"type": "ephemeral"}, messages=[{"role": "user", "content": q}])
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                system=[{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": q}])
        ''', message="minimum"),
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        client.messages.create(model="claude-haiku-4-5", max_tokens=64, system="Classify.",
            cache_control={"type": "ephemeral"}, messages=[{"role": "user", "content": "great product"}])
        ''', message="4,096"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        blocks = request_blocks(call)
        marked = blocks.marked
        if marked:
            upto = blocks.items[: marked[-1] + 1]
            node = _section_node(call, upto)
        elif blocks.top_level_cache and blocks.complete:
            upto = blocks.items
            node = call.arg_nodes.get("cache_control", call.anchor)
        else:
            return
        # every block static, or one of several static texts: the largest candidate counts (analysis.bounds)
        tokens = most_tokens(upto) if upto else None
        if tokens is None:
            return
        # a model chosen at run time: below the lowest minimum of the models the code names; none
        # named: below the smallest minimum any model has
        floor = cache_minimum(call, ctx, fallback_largest=False)
        if floor is not None:
            tokens += _tool_overhead(ctx, floor.model, call).tokens(upto)  # what the API adds is part of the prefix
        if floor is None or not short_of_minimum(tokens, floor.tokens):
            return
        minimum, model = floor.tokens, floor.describe("any known model")
        yield Report(
            f"cache_control marks a ~{fmt_int(tokens)}-token prefix, below the minimum cacheable length for "
            f"{model} ({fmt_int(minimum)} tokens): the API silently does not cache it and every call pays full "
            "input price. Move more static content before the breakpoint or remove the marker",
            node=node, properties={"prefix_tokens": tokens, "min_cacheable": minimum},
        )


@register
class TooManyBreakpoints(Rule):
    code = "TB103"
    name = "too-many-breakpoints"
    summary = "More than 4 cache_control breakpoints in one request (an API error)."
    rationale = (
        "The API accepts at most 4 cache breakpoints per request; automatic caching (top-level "
        "cache_control) uses one of them. A fifth makes the request fail with a 400, so the call "
        "costs a failed round trip and no answer. Keep the breakpoints at the ends of the tools, "
        "system and the stable part of the conversation."
    )
    severity = "error"
    precision = "very-high"
    KINDS = _REQUESTS
    SDKS = _ANTHROPIC
    VALID = [
        '''
        import anthropic
        client = anthropic.Anthropic()
        CC = {"type": "ephemeral"}
        client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
            system=[{"type": "text", "text": "a", "cache_control": CC}, {"type": "text", "text": "b", "cache_control": CC}],
            messages=[{"role": "user", "content": [{"type": "text", "text": "c", "cache_control": CC},
                                                   {"type": "text", "text": "d", "cache_control": CC}]}])
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        client = anthropic.Anthropic()
        CC = {"type": "ephemeral"}
        client.messages.create(model="claude-sonnet-4-5", max_tokens=256, cache_control=CC,
            system=[{"type": "text", "text": "a", "cache_control": CC}, {"type": "text", "text": "b", "cache_control": CC}],
            messages=[{"role": "user", "content": [{"type": "text", "text": "c", "cache_control": CC},
                                                   {"type": "text", "text": "d", "cache_control": CC}]}])
        ''', message="5 cache breakpoints"),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        blocks = request_blocks(call)
        count = len(blocks.marked) + (1 if blocks.top_level_cache else 0)
        if count <= 4:
            return
        auto = " (counting the top-level cache_control)" if blocks.top_level_cache else ""
        yield Report(
            f"{count} cache breakpoints{auto}: the API allows at most 4 and rejects the request (400), so the "
            "call is paid for in retries and gets no answer. Keep at most 4 cache_control markers",
            properties={"breakpoints": count},
        )


@register
class VolatileCachedPrefix(Rule):
    code = "TB104"
    name = "volatile-cached-prefix"
    summary = "The cached prefix interpolates a value that changes on every call (time, uuid, random)."
    rationale = (
        "A cache hit needs a byte-identical prefix. A timestamp, uuid or random value inside the "
        "cached part (tools, system, or messages before the breakpoint) makes every call write a new "
        "entry at 1.25x (or 2x) the input price and never read one at 0.1x: caching then costs more "
        "than not caching. Move the value after the last breakpoint (e.g. into the final user message), "
        "or make it stable (the date instead of the time)."
    )
    KINDS = _REQUESTS
    SDKS = _ANTHROPIC
    VALID = [
        # the volatile value sits in the last (uncached) user message
        '''
        import anthropic, datetime
        client = anthropic.Anthropic()
        SYSTEM = "Policy. " * 2000
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": f"Now: {datetime.datetime.now()}. {q}"}])
        ''',
        # the date to the day changes once a day: the cached prefix still hits all day
        '''
        import anthropic
        from datetime import datetime
        client = anthropic.Anthropic()
        POLICY = "Policy. " * 2000
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=256,
                system=[{"type": "text", "text": f"{POLICY} Today: {datetime.now().strftime('%d.%m.%Y')}",
                         "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
        ''',
        # no caching requested at all
        '''
        import anthropic, time
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                system=f"Request at {time.time()}", messages=[{"role": "user", "content": q}])
        ''',
    ]
    INVALID = [
        Invalid('''
        import anthropic
        from datetime import datetime
        client = anthropic.Anthropic()
        POLICY = "Policy. " * 2000
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                system=[{"type": "text", "text": f"Time: {datetime.now()}\\n{POLICY}",
                         "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": q}])
        ''', message="datetime.datetime.now()", line=7),
        Invalid('''
        import anthropic, uuid
        client = anthropic.Anthropic()
        def ask(q):
            run_id = uuid.uuid4()
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=256,
                cache_control={"type": "ephemeral"}, system=f"Run {run_id}. Policy...",
                messages=[{"role": "user", "content": q}])
        ''', message="uuid.uuid4()"),
        # the time to the minute, formatted: still a new prefix every minute
        Invalid('''
        import anthropic
        from datetime import datetime
        client = anthropic.Anthropic()
        POLICY = "Policy. " * 2000
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=256,
                system=[{"type": "text", "text": f"{POLICY} Now: {datetime.now().strftime('%d.%m.%Y %H:%M')}",
                         "cache_control": {"type": "ephemeral"}}], messages=[{"role": "user", "content": q}])
        ''', message="datetime.datetime.now()", line=7),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        scope_values = cached_prefix_values(call)
        if not scope_values:
            return
        seen = set()
        for part in volatile_parts(scope_values):
            if part.volatile in seen:
                continue
            seen.add(part.volatile)
            yield Report(
                f"{part.volatile} is interpolated into the cached prefix: the prefix changes on every call, "
                "so each call pays the cache-write premium (1.25x input) and never gets a 0.1x read. Move it "
                "after the last cache breakpoint (e.g. into the final user message) or make it stable",
                node=part.node if part.node is not None else call.anchor,
                properties={"volatile": part.volatile},
            )


__all__ = ["MissingCacheControl", "CacheBelowMinimum", "TooManyBreakpoints", "VolatileCachedPrefix", "Valid"]


def _cache_control_fix(call: CallSite, sections: tuple[str, ...]):
    from pytest_tokenbudget.lint.fixes.build import cache_control_fix  # libcst: only when a fix is built

    return cache_control_fix(call, prefix_sections=sections)
