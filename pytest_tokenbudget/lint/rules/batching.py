"""Batching rules (TB4xx): independent requests sent one by one that the Message Batches API bills at half price."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.lint.analysis.intent import sent_to_claude_api
from pytest_tokenbudget.lint.astwalk import child_nodes, walk
from pytest_tokenbudget.lint.rules._util import batches_api, loop_site, moved_first, related_loop, saving, shown_code
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.types import CallSite, Report

__all__ = ["LoopCouldBatch", "retry_loop"]

_FEW_TRIES = frozenset(f"range({k})" for k in range(1, 6))  # a few passes at one answer (a retry)


def _resent(call: CallSite, ctx: RuleContext) -> bool:
    """A re-send of an earlier request of the function, after its failure or on its reply (:mod:`...resends`):
    that request's own finding covers the loop, in the function or a caller."""
    from pytest_tokenbudget.lint.analysis import crossref

    line = _line(call)
    return line is not None and crossref.resent_request(call.context.function, line, ctx.text)


def _ast_of(node: Any, expression: bool = False) -> Any:
    """A libcst node as the :mod:`ast` node its code parses to (a statement, or an ``expression``:
    :func:`..analysis.crossref.expression_ast`), for the loop judgements made on :mod:`ast`; None
    when it does not parse."""
    import ast
    import textwrap

    import libcst as cst

    from pytest_tokenbudget.lint.analysis.crossref import expression_ast

    if expression:
        return expression_ast(node)
    try:
        return ast.parse(textwrap.dedent(cst.Module(body=[]).code_for_node(node))).body[0]
    except (SyntaxError, ValueError, RecursionError, IndexError):
        return None


def _exits_early(loop_node: Any, call: CallSite | None = None) -> bool:
    """A for loop that ends a search: a ``return`` or ``break`` on what it computes, not an abort in an
    ``except`` handler nor a run-wide switch nor a cap on the requests sent (:func:`..loopbody.exits`)."""
    import ast

    import libcst as cst

    from pytest_tokenbudget.lint.loopbody import exits

    if not isinstance(loop_node, cst.For):
        return False
    tree = _ast_of(loop_node)
    at = call.range(call.node).line - call.range(loop_node).line + 1 if call is not None and _line(call) else None
    return tree is None or isinstance(tree, ast.For) and exits(tree, at)  # (unparsable: may stop early)


def retry_loop(loop: Any) -> bool:
    """``for attempt in range(3)`` / ``while retries < n`` / ``while True: try: ... return`` /
    ``while count < cap: try: ... break``: the loop repeats one request until it succeeds
    (:func:`..retries.retry_while`); so does ``for v in range(2)`` leaving once an answer parses (a
    stricter prompt next), unless it sends each reply back (tool turns)."""
    import libcst as cst

    from pytest_tokenbudget.lint.retries import RETRY, retry_while_source

    node = loop.node
    if isinstance(node, cst.For):
        it = shown_code(node.iter)
        return bool(RETRY.search(shown_code(node.target) + " " + it)) or not loop.feeds_back \
            and it.replace(" ", "") in _FEW_TRIES and _exits_early(node)
    if isinstance(node, cst.While):
        head = shown_code(node.test)
        if (isinstance(node.test, cst.Name) and node.test.value == "True" or isinstance(node.test, cst.UnaryOperation)
                or isinstance(node.test, cst.Comparison)) and not RETRY.search(head):  # (the shapes above)
            return retry_while_source(cst.Module(body=[]).code_for_node(node))
        return bool(RETRY.search(head))
    return False


def _fallback(loop: Any, call: CallSite) -> bool:
    """Models tried in turn until one answers (:func:`..loopjudge.fallback_chain`): a retry. Only a
    sweep whose body holds a ``try`` is parsed (asked for every loop around every call)."""
    import ast

    import libcst as cst

    from pytest_tokenbudget.lint.loopjudge import fallback_chain

    body = getattr(loop.node.body, "body", ()) if isinstance(loop.node, cst.For) else ()
    if not (any(isinstance(st, cst.Try) for st in body) and _sweep(loop)):
        return False
    tree, request = _ast_of(loop.node), _ast_of(call.node, expression=True)
    return isinstance(tree, (ast.For, ast.AsyncFor)) and isinstance(request, ast.Call) and fallback_chain(tree, request)


def _repeats(loop: Any, call: CallSite) -> bool:
    """``for i in range(n)`` whose index never reaches the request (:func:`..fresh_values.repeats_here`),
    or ``while True:`` re-sending it until a reply passes (:func:`..retries.regenerates`)."""
    import ast

    import libcst as cst

    from pytest_tokenbudget.lint.fresh_values import repeats_here
    from pytest_tokenbudget.lint.retries import regenerates

    if not isinstance(loop.node, cst.While) and not (isinstance(loop.node, cst.For) and "range(" in shown_code(
            loop.node.iter)):  # (tqdm(range(n)) too)
        return False
    tree, request = _ast_of(loop.node), _ast_of(call.node, expression=True)
    return isinstance(request, ast.Call) and (isinstance(tree, ast.For) and repeats_here(tree, request)
                                              or isinstance(tree, ast.While) and regenerates(tree, request))


def _measured_or_picked(loop: Any, call: CallSite) -> bool:
    """Each pass keeps the request's latency (a latency benchmark), or the request is made only for
    the few items the code names (:func:`..loopbody.latency_kept`, :func:`..loopbody.picked_few`), or
    what the next request reads grows on this reply's say-so (:func:`..loopbody.grown_on_reply`)."""
    import ast

    from pytest_tokenbudget.lint.loopbody import grown_on_reply, latency_kept, picked_few
    from pytest_tokenbudget.lint.loopsize import WRITTEN_OUT

    tree, request = _ast_of(loop.node), _ast_of(call.node, expression=True)
    if not isinstance(tree, (ast.For, ast.AsyncFor)) or request is None:
        return False
    shape = ast.dump(request)
    parents = {id(c): p for p in walk(tree) for c in child_nodes(p)}
    for n in walk(tree):
        if isinstance(n, ast.Call) and ast.dump(n) == shape:
            st = parents.get(id(n))
            replies = {t.id for t in st.targets if isinstance(t, ast.Name)} if isinstance(st, ast.Assign) else set()
            read = {x.id for a in [*n.args, *(k.value for k in n.keywords)] for x in walk(a) if isinstance(x, ast.Name)}
            if latency_kept(n, parents) or picked_few(tree, n, parents, WRITTEN_OUT) \
                    or grown_on_reply(tree, n, read, replies):
                return True
    return False


def _sweep(loop: Any) -> bool:
    """A ``for`` loop (or comprehension) over models, settings or variants (:func:`..loopjudge.is_sweep`)."""
    import libcst as cst

    from pytest_tokenbudget.lint.loopjudge import is_sweep

    if loop.kind == "map":  # map(lambda model: ..., MODELS): the lambda's parameters are the target
        it = _ast_of(loop.iter_node, expression=True)
        return it is not None and is_sweep(shown_code(loop.node.args[0].value.params), it)
    head = loop.node.for_in if isinstance(loop.node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)) \
        else loop.node if isinstance(loop.node, cst.For) else None
    it = _ast_of(head.iter, expression=True) if head is not None else None
    return it is not None and is_sweep(shown_code(head.target), it)


def _pages(loop: Any) -> str | None:
    """``pages of queue.pending`` for a ``while`` loop that drains a queue (:func:`..drains.pages`)."""
    import ast

    from pytest_tokenbudget.lint.drains import pages

    tree = _ast_of(loop.node) if loop.kind == "while" else None
    fetch = pages(tree) if isinstance(tree, ast.While) else None
    return None if fetch is None else f"pages of {ast.unparse(fetch.func)}"


def _handful(loop: Any, call: CallSite) -> bool:
    """A literal handful of constants (``for key in ("a", "b")``) or a sweep over numbers / model ids,
    written in the loop or assigned to the name it goes over (``levels = ["low", "medium", "high"]``)."""
    from pytest_tokenbudget.lint.loopjudge import handful

    trees = _written(loop.iter_node, call)
    return bool(trees) and all(t is not None and handful(t) for t in trees)


def _handfuls_product(loops: list[Any], call: CallSite) -> str | None:
    """``KINDS x TONES (30 requests)`` when every loop around the call goes over a written-out handful and
    their sizes multiply past ten (:func:`..loopsize.nested_product`); None otherwise (a handful alone, or
    inside a loop over items of unknown number)."""
    import libcst as cst

    from pytest_tokenbudget.lint.loopsize import known_size, nested_product

    def size(node: Any) -> int | None:
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.args \
                and node.func.value in ("enumerate", "tqdm"):
            node = node.args[0].value
        trees = _written(node, call)
        return known_size(trees[0], {}) if len(trees) == 1 and trees[0] is not None else None

    return nested_product([shown_code(lp.iter_node) if lp.iter_node is not None else "" for lp in loops],
                          [size(lp.iter_node) for lp in loops])


def _written(node: Any, call: CallSite) -> list[Any]:
    """The :mod:`ast` trees of what a loop goes over: ``node`` itself, or the values of the name's
    assignments when it is a name assigned only by plain assignments (None for one that cannot be read);
    for ``strategies.items()`` (``.keys()``, ``.values()``), those of the dict ``strategies``."""
    import libcst as cst

    from pytest_tokenbudget.lint.analysis.scopes import lookup

    if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) \
            and node.func.attr.value in ("items", "keys", "values"):
        node = node.func.value
    found = lookup(node.value, call.scope) if isinstance(node, cst.Name) and call.scope is not None else None
    values = [b.node for b in found[1]] if found and all(b.kind == "assign" for b in found[1]) else [node]
    return [_ast_of(v, expression=True) if v is not None else None for v in values]


def _not_streamed(call: CallSite) -> bool:
    """``stream`` unknown (hidden in ``**kwargs``) but the result is read as a whole message, or
    every caller passes keywords that leave ``stream`` out."""
    from pytest_tokenbudget.lint.analysis import crossref

    line = _line(call)
    return call.streaming is None and call.kind == "create" and line is not None and (
        crossref.reads_message(call.context.function, line)
        or crossref.callers_leave_stream_out(call.context.function, line))


def _not_batch_work(call: CallSite) -> bool:
    """The loop runs under a library's batching context (``async with batchify(): await main()``), or
    serves a live request (its function is, or is called by, a route or a request handler)."""
    from pytest_tokenbudget.lint.analysis import crossref

    line = _line(call)
    return line is not None and crossref.not_batch_work(call.context.function, line)


def _over_a_reply(loop: Any, call: CallSite) -> bool:
    """The loop goes over one reply's blocks (``for block in response.content:``): the conversation's next turn."""
    from pytest_tokenbudget.lint.analysis.reply_loops import over_a_reply

    return over_a_reply(loop.iter_node, call.scope)


def _same_prompt(call: CallSite) -> bool:
    """The request's messages (and system prompt and tools) are fully static: whatever a caller's loop
    passes reaches only the model or a setting (``verify_model(model_id)`` per configured model with
    "Hi"), so its passes are not items of work."""
    from pytest_tokenbudget.lint.analysis.callerargs import reads_parameters
    from pytest_tokenbudget.lint.analysis.values import is_complete

    prompt = [call.args[k] for k in _PROMPT_FIELDS if k in call.args]
    return "messages" in call.args and not call.open_kwargs and all(is_complete(v) for v in prompt) \
        and not reads_parameters(call, _PROMPT_FIELDS)


_PROMPT_FIELDS = frozenset({"messages", "system", "tools", "prompt"})


def _line(call: CallSite) -> int | None:
    try:
        return call.line
    except RuntimeError:  # a CallSite built without positions
        return None


@register
class LoopCouldBatch(Rule):
    code = "TB401"
    name = "loop-could-batch"
    summary = "Independent, non-streaming requests made one by one in a loop over a collection."
    rationale = (
        "The Message Batches API (client.messages.batches.create) bills every request at 50% of the standard price, "
        "input and output, and the discount stacks with prompt caching (requests the OpenAI SDK sends to the Claude API"
        " too: they batch through the anthropic SDK; a gateway or a cloud platform does not count). A for loop or "
        "comprehension that sends one independent request per item (the response is not fed back into the next request)"
        " is exactly a batch: when the results can wait (most batches finish within an hour), batching halves the cost;"
        " structured output (messages.parse) too, with the same params, and legacy completions once moved. The loop may"
        " be in a caller in another module, reached through wrappers or a function passed as an argument; the finding "
        "names it. Not flagged: agent loops, conversations and chains (each request reads the last reply), while loops"
        " (but for one draining a queue page by page, fetched with a size, until it is empty), retries (a stricter "
        "prompt when an answer fails to parse, and model fallback chains), loops that stop early "
        "(searches) or run inside one that does, sweeps over models or parameters (a caller's loop around a request "
        "whose prompt is fixed changes only those), a literal handful of cases (or only the items the code names), "
        "interactive input, streaming calls, memoised functions (a cache decorator, or an in-memory cache looked up "
        "first; a cache on disk only lets a rerun resume), latency benchmarks (each request's latency kept), test code,"
        " conversations an object keeps (an agent's self.llm.chat(...)), live work (a web route, a bot command, a "
        "handler looping over the request's own items, a Streamlit page or a desktop window the user waits on, or "
        "anything they call; a GitHub Action's code, whose job waits for its results and stops after six hours) and "
        "loops run under a batching library's context (with batchify(): ...), and a caller's loop in dead code (a "
        "function nothing names, in a module the project imports for its other names), or reached only through an "
        "interface by a subclass no file names. A scheduled job (a scheduler's while loop starting whole runs too), a "
        "CLI command or a script's asyncio.run coroutine (and the async stages only it awaits) looping over data it "
        "collected itself is batch work."
    )
    severity = "warning"
    precision = "high"
    KINDS = frozenset({"create", "parse", "completion"})  # (parse: the same params; a legacy completion: moved)
    SDKS = frozenset({"anthropic", "openai"})  # (the OpenAI SDK only where it is sent to the Claude API)
    VALID = [
        # An agent loop: each response goes back into the conversation.
        """
        import anthropic
        client = anthropic.Anthropic()
        def run(task, steps):
            messages = [{"role": "user", "content": task}]
            for _ in range(steps):
                reply = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, messages=messages)
                messages.append({"role": "assistant", "content": reply.content})
                messages.append({"role": "user", "content": "continue"})
            return messages
        """,
        # A retry loop.
        """
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                                  messages=[{"role": "user", "content": q}])
                except anthropic.APIError:
                    continue
        """,
        # Streaming to a user.
        """
        import anthropic
        client = anthropic.Anthropic()
        def show(questions):
            for q in questions:
                with client.messages.stream(model="claude-sonnet-5-5", max_tokens=1024,
                                            messages=[{"role": "user", "content": q}]) as s:
                    for text in s.text_stream:
                        print(text)
        """,
        # A chat loop over a conversation.
        """
        import anthropic
        client = anthropic.Anthropic()
        def chat():
            while True:
                q = input()
                print(client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                             messages=[{"role": "user", "content": q}]))
        """,
        # A literal handful of demo cases, not a collection of data.
        """
        import anthropic
        client = anthropic.Anthropic()
        def demo():
            for question in ("What is 2 + 2?", "Name a colour."):
                print(client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                             messages=[{"role": "user", "content": question}]))
        """,
        # Claude through a gateway the code does not name (a proxy may not reach the Message Batches API).
        """
        import os
        from openai import OpenAI
        client = OpenAI(base_url=os.environ["LLM_GATEWAY_URL"])
        def label_all(posts):
            return [client.chat.completions.create(model="claude-haiku-4-5", max_tokens=5,
                                                   messages=[{"role": "user", "content": p}]) for p in posts]
        """,
    ]
    INVALID = [
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(docs):
                out = []
                for doc in docs:
                    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                               messages=[{"role": "user", "content": "Summarise:\\n" + doc}])
                    out.append(r.content[0].text)
                return out
            """,
            message="50%",
            line=6,
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.AsyncAnthropic()
            async def label_all(items):
                return [await client.messages.create(model="claude-haiku-5-5", max_tokens=5,
                                                     messages=[{"role": "user", "content": i}]) for i in items]
            """,
            message="comprehension over items",
        ),
        Invalid(  # the OpenAI SDK sent to the Claude API: the same requests batch through the anthropic SDK
            """
            from openai import OpenAI
            client = OpenAI(base_url="https://api.anthropic.com/v1/")
            def grade(answers):
                return [client.chat.completions.create(model="claude-haiku-4-5", max_tokens=300,
                                                       messages=[{"role": "user", "content": a}]) for a in answers]
            """,
            message="the anthropic SDK's client.messages.batches.create",
        ),
        Invalid(  # the handler re-sends the item's failed request: one finding, on the try's request
            """
            import anthropic
            client = anthropic.Anthropic()
            def summarise(docs):
                out = []
                for doc in docs:
                    try:
                        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                                   messages=[{"role": "user", "content": doc}])
                    except anthropic.APIStatusError:
                        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                                   messages=[{"role": "user", "content": doc}])
                    out.append(r.content[0].text)
                return out
            """,
            message="for loop over docs",
            line=7,
            count=1,
        ),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        if call.batch or not sent_to_claude_api(call) or not (call.streaming is False or call.kind == "parse"
                                                          or _not_streamed(call)):  # (parse never streams)
            return
        if _resent(call, ctx):
            return  # a last-resort re-send, or a correction of a reply: the first request carries the finding
        # a retry loop, or one identical request repeated (timing runs), is not a batch: look further out
        # (``for _ in range(5)`` that sends each reply back is a bounded tool loop: a conversation)
        loops = [lp for lp in call.context.loops if not retry_loop(lp)
                 and not (_repeats(lp, call) and not lp.feeds_back) and not _fallback(lp, call)]
        while loops and _sweep(loops[-1]) and not _exits_early(loops[-1].node):
            loops.pop()  # a sweep over models / settings: a per-item loop outside it still counts
        if not loops and call.context.function and not call.batch_template:
            yield from self._in_callers(call, ctx)
            return
        if not loops or any(lp.kind == "while" and _pages(lp) is None or lp.feeds_back for lp in loops):
            return  # (a while loop draining a queue page by page goes over items: :mod:`..drains`)
        from pytest_tokenbudget.lint.cstwalk import contains  # (libcst: loaded only when linting)

        loop = loops[-1]
        product = _handfuls_product(loops, call) if _handful(loop, call) else ""  # (None: a handful alone)
        if product is None and all(_handful(lp, call) for lp in loops) and call.context.function \
                and not call.batch_template and not any(_exits_early(lp.node, call) for lp in loops):
            yield from self._in_callers(call, ctx)  # a handful per call of a function a caller runs per item
            return
        if contains(loop.iter_node, call.node) or any(_exits_early(lp.node, call) for lp in loops) or product is None \
                or _not_batch_work(call) or _over_a_reply(loop, call) or _measured_or_picked(loop, call):
            return  # (any loop around it that stops early: chunks screened until a threshold is met)
        discount = (Decimal(1) - ctx.catalog.batch_multiplier) * 100
        pct = f"{discount.normalize():f}%"
        kind = loop.kind if loop.kind in ("comprehension", "map") else f"{loop.kind} loop"
        over = shown_code(loop.iter_node) if loop.iter_node is not None else _pages(loop) or ""
        where = f"{kind} over {over}" if over else kind
        where = f"nested {kind}s over {product}" if product else f"{'an' if where.startswith('async') else 'a'} {where}"
        price = ""
        info = ctx.model_info(call)
        if info is not None and info.input is not None and info.output is not None:
            m = ctx.catalog.batch_multiplier
            price = (f" ({info.id}: input {format_usd(info.input)} -> {format_usd(info.input * m)}, output "
                     f"{format_usd(info.output)} -> {format_usd(info.output * m)} per MTok)")
        yield Report(
            f"independent requests one by one in {where}: {batches_api(call)} bills them {pct} less{price}; "
            f"batch them when the results can wait{moved_first(call)}",
            properties={"saving_percent": f"{discount.normalize():f}", "loop": loop.kind,
                        **saving("TB401", call, ctx)},
        )

    def _in_callers(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        """The function holding the call is called once per item by a loop elsewhere."""
        from pytest_tokenbudget.lint.analysis import crossref

        if _same_prompt(call):
            return  # a caller's loop only changes the model or a setting: a sweep, or one request repeated
        function = call.context.function or ""
        while function.endswith(".<lambda>"):  # a lambda handed to a helper (a retry wrapper, an
            function = function[: -len(".<lambda>")]  # executor) runs once per call of its function
        found = crossref.loop_callers(function, call.line)
        if not found:
            return
        first = found[0]
        discount = (Decimal(1) - ctx.catalog.batch_multiplier) * 100
        pct = f"{discount.normalize():f}%"
        over = f" over {first.over}" if first.over else ""
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        yield Report(
            f"independent requests one by one: {_callee(function)} called per item by a "
            f"{first.kind}{over} at {loop_site(first)}{more}; {batches_api(call)} bills them {pct} less; "
            f"batch them when the results can wait{moved_first(call)}",
            properties={"saving_percent": f"{discount.normalize():f}", "loop": first.kind,
                        "related": [related_loop(c) for c in found],
                        **saving("TB401", call, ctx)},
        )


def _callee(function: str) -> str:
    """``summarize() is`` / ``a ClaudeSampler instance is`` (its ``__call__``), as a finding names it."""
    if function.endswith(".__call__"):
        return f"a {function[: -len('.__call__')].rsplit('.', 1)[-1]} instance is"
    return f"{function}() is"
