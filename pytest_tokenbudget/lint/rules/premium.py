"""TB301 premium-model-simple-task: a top-tier model answers a classification, extraction or yes/no prompt.

The task is read from the prompt's words (:func:`.intent.simple_task`) and from the request's shape
(:func:`.task_shape.shaped_simple_task`: a forced extraction tool, quoted labels to choose from,
true / false per attribute, "extract ... as JSON"). Tiers and prices come from the catalog; an
unresolved model makes the rule silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pytest_tokenbudget.core.money import format_usd
from pytest_tokenbudget.lint.analysis.intent import forced_tool_choice, prompt_text, simple_task
from pytest_tokenbudget.lint.analysis.intended_model import intended_model
from pytest_tokenbudget.lint.analysis.task_shape import media_exempt, shaped_simple_task
from pytest_tokenbudget.lint.rules.alternatives import cheaper_alternative
from pytest_tokenbudget.lint.rules._util import saving
from pytest_tokenbudget.lint.rules.base import Invalid, Rule, RuleContext, register
from pytest_tokenbudget.lint.rules.options import DEFAULTS, options
from pytest_tokenbudget.lint.types import CallSite, Report

__all__ = ["PremiumModelSimpleTask"]


def _ratio(a: Decimal, b: Decimal) -> str:
    r = a / b
    if r == r.to_integral_value():
        return f"{int(r)}x"
    return f"{r.quantize(Decimal('0.1'))}x".replace(".0x", "x")



@register
class PremiumModelSimpleTask(Rule):
    code = "TB301"
    name = "premium-model-simple-task"
    summary = "A top-tier (premium) model answers a classification, extraction or yes/no prompt."
    rationale = (
        "Premium models (the catalog's tier = \"premium\": Opus, Fable, Mythos lines) cost 2-80x more "
        "per token than the standard and economy lines of the same generation, and a label, a yes/no "
        "or a short extraction is answered just as well by the cheaper model. Routing such calls to the "
        "cheaper model cuts their cost by that ratio. Flagged when the prompt asks for a "
        "classification / extraction / yes-no answer (in words, or by its shape: a forced extraction or "
        "labelling tool, a short list of quoted labels, true/false per attribute, 'extract ... as JSON'), or "
        "when max_tokens is at or below the short-answer limit (option short-answer-max-tokens, default "
        f"{DEFAULTS['short-answer-max-tokens']}). A JSON template's field bounded to a few sentences "
        "(\"summary\": 2-3 sentences) does not make a label prose, and an extraction of named fields "
        "(vendor, number, date, total) stays an extraction when read off an image or inside a tool loop "
        "whose tools only look up or check the fields. Code, prose, step-by-step reasoning, extended "
        "thinking, open-ended extraction from images / PDFs, tools that run code, browse, send or change "
        "records, and a large output budget with words of generation stay silent. A "
        "wrapper that rebuilds its callers' messages is judged by what every caller writes (one caller "
        "asking for more than a simple task, or a prompt that cannot be pinned, keeps it silent)."
    )
    severity = "warning"
    precision = "medium"
    SDKS = frozenset({"anthropic", "openai"})
    OPTIONS = options("short-answer-max-tokens")
    VALID = [
        # A premium model doing real work.
        """
        import anthropic
        client = anthropic.Anthropic()
        def review(diff):
            return client.messages.create(
                model="claude-opus-5-5", max_tokens=8000,
                messages=[{"role": "user", "content": "Review this diff and explain each bug:\\n" + diff}])
        """,
        # Synthesis that also extracts its action items: real work (forge's CEO briefing).
        """
        import anthropic
        client = anthropic.Anthropic()
        def brief(plans):
            return client.messages.create(
                model="claude-opus-4-6", max_tokens=8000,
                messages=[{"role": "user", "content": "Synthesize these plans into one briefing. "
                           "Extract all action items.\\n" + plans}])
        """,
        # The cheap model for a label: what the rule asks for.
        """
        import anthropic
        client = anthropic.Anthropic()
        def label(text):
            return client.messages.create(
                model="claude-haiku-5-5", max_tokens=5,
                messages=[{"role": "user", "content": f"Classify the sentiment: {text}"}])
        """,
        # The model is not known: silent.
        """
        import anthropic, os
        client = anthropic.Anthropic()
        def label(text):
            return client.messages.create(
                model=os.environ["MODEL"], max_tokens=5,
                messages=[{"role": "user", "content": f"Classify the sentiment: {text}"}])
        """,
        # Agentic tool use with a premium model is not a simple task.
        """
        import anthropic
        client = anthropic.Anthropic()
        def agent(tools, msgs):
            return client.messages.create(model="claude-opus-5-5", max_tokens=4096, tools=tools,
                                          messages=[{"role": "user", "content": "Classify and fix the failing tests."}])
        """,
        # Code generation is not a simple task, even when it extracts something.
        """
        import anthropic
        client = anthropic.Anthropic()
        def regex_for(sample):
            return client.messages.create(model="claude-opus-5-5", max_tokens=1000, messages=[{"role": "user",
                "content": f"I want to extract all the explanations from this file with a Python regex.\\n{sample}"}])
        """,
        # A forced tool that writes prose (a report body) is generation, not extraction.
        """
        import anthropic
        client = anthropic.Anthropic()
        REPORT = {"name": "submit_report", "description": "Submit the incident write-up.",
                  "input_schema": {"type": "object", "properties": {"title": {"type": "string"},
                                                                     "body": {"type": "string"}}}}
        def write_up(log):
            return client.messages.create(model="claude-opus-5-5", max_tokens=4000, tools=[REPORT],
                tool_choice={"type": "tool", "name": "submit_report"},
                messages=[{"role": "user", "content": log}])
        """,
        # Quoted labels inside a request for code: real work.
        """
        import anthropic
        client = anthropic.Anthropic()
        def router(spec):
            return client.messages.create(model="claude-opus-5-5", max_tokens=4000, messages=[{"role": "user",
                "content": f"Implement a Python function that returns 'low', 'medium' or 'high' for a ticket.\\n{spec}"}])
        """,
        # Extracting values from a scanned PDF is reading the scan: the stronger model may be worth it.
        """
        import anthropic
        client = anthropic.Anthropic()
        def lab_values(pdf_b64):
            return client.messages.create(model="claude-opus-5-5", max_tokens=16000, messages=[{"role": "user",
                "content": [{"type": "text", "text": "Extract every marker and its value. Return ONLY valid JSON."},
                            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
                                                            "data": pdf_b64}}]}])
        """,
        # A large output budget with words of generation: the answer is written, not picked.
        """
        import anthropic
        client = anthropic.Anthropic()
        def campaign(product):
            return client.messages.create(model="claude-opus-5-5", max_tokens=8000, messages=[{"role": "user",
                "content": f"Generate ten ad variants for {product}, each with a tone of 'playful', 'formal' or 'bold'."}])
        """,
        # Extended thinking asked for: the author wants reasoning, not a lookup.
        """
        import anthropic
        client = anthropic.Anthropic()
        def verdict(case):
            return client.messages.create(model="claude-opus-5-5", max_tokens=16000,
                thinking={"type": "enabled", "budget_tokens": 8000}, messages=[{"role": "user",
                "content": f"Answer 'guilty', 'not guilty' or 'mistrial' for this case.\\n{case}"}])
        """,
        # Extraction in a tool loop whose tools run code: open agent work, whatever fields it names.
        """
        import anthropic
        client = anthropic.Anthropic()
        TOOLS = [{"name": "run_python", "description": "Run Python code and return its output.",
                  "input_schema": {"type": "object", "properties": {"code": {"type": "string"}}}}]
        def reconcile(messages):
            return client.messages.create(model="claude-opus-5-5", max_tokens=4096, tools=TOOLS, messages=messages,
                system="Extract: vendor, invoice number, date, total. Reconcile them with the ledger. Output JSON.")
        """,
        # A label with a field of written prose (no length bound): the answer is a write-up.
        """
        import anthropic
        client = anthropic.Anthropic()
        def assess(page):
            return client.messages.create(model="claude-opus-5-5", max_tokens=1024, messages=[{"role": "user",
                "content": 'Return ONLY JSON:\\n"verdict": "phishing" | "suspicious" | "legitimate"\\n'
                           '"summary": a full write-up of every indicator, with evidence\\n' + page}])
        """,
    ]
    INVALID = [
        # a forced extraction tool (by its name)
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            TOOL = {"name": "extract_params", "description": "Extract the parameters of the request.",
                    "input_schema": {"type": "object", "properties": PARAMS}}
            def params(task):
                return client.messages.create(model="claude-opus-4-6", max_tokens=1024, tools=[TOOL],
                    tool_choice={"type": "tool", "name": "extract_params"},
                    messages=[{"role": "user", "content": task}])
            """,
            message="for an extraction prompt",
        ),
        # a forced tool whose schema is a small flat record with an enum: a classification; the
        # SDK's typed ToolChoiceAnyParam forces it
        Invalid(
            """
            import anthropic
            from anthropic.types import ToolChoiceAnyParam
            client = anthropic.Anthropic()
            TOOL = {"name": "record", "description": "Record the result.", "input_schema": {"type": "object",
                    "properties": {"relevant": {"type": "boolean"},
                                   "topic": {"type": "string", "enum": ["billing", "bug", "other"]}}}}
            def triage(ticket):
                return client.messages.create(model="claude-opus-4-6", max_tokens=1024, tools=[TOOL],
                    tool_choice=ToolChoiceAnyParam(type="any"), messages=[{"role": "user", "content": ticket}])
            """,
            message="for a classification prompt",
        ),
        # one of a few quoted labels, even after "Analyze this ..."
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def doc_type(doc):
                return client.messages.create(model="claude-opus-5", max_tokens=4000, messages=[{"role": "user",
                    "content": 'Analyze this document. Return ONLY JSON: {"type": "invoice" or "receipt" or "other"}\\n'
                               + doc}])
            """,
            message="for a classification prompt",
        ),
        # true / false per attribute
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def attributes(prompt):
                return client.messages.create(model="claude-3-opus-20240229", max_tokens=150, messages=[{"role": "user",
                    "content": "Say whether colors and objects are specified clearly (true) or left open (false). "
                               "Return ONLY in JSON format. Prompt: " + prompt}])
            """,
            message="true/false per attribute",
        ),
        # "extract ... " answered as JSON
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def npcs(adventure):
                return client.messages.create(model="claude-opus-4-6", max_tokens=4096, messages=[{"role": "user",
                    "content": "Analyze this adventure and extract every named character. Return ONLY valid JSON."
                               f"\\n---\\n{adventure}"}])
            """,
            message="for an extraction prompt",
        ),
        # multiple choice
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def pick(q, options):
                return client.messages.create(model="claude-opus-5-5", max_tokens=1024, messages=[{"role": "user",
                    "content": f"QUESTION: {q}. Select which one of the following options is correct: {options}"}])
            """,
            message="classification",
        ),
        # a one-word translation
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def translate(word, language):
                return client.messages.create(model="claude-opus-5-5", max_tokens=400, messages=[{"role": "user",
                    "content": f"Translate {word} into {language}. Just output the translated word."}])
            """,
            message="claude-haiku-5-5",
        ),
        # a rating
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def rate(paper):
                return client.messages.create(model="claude-opus-5-5", max_tokens=300, messages=[{"role": "user",
                    "content": f"Rate the novelty of this abstract on a scale from 1 to 5.\\n{paper}"}])
            """,
            message="rating",
        ),
        # labels in a JSON answer template, with a screenshot; a field bounded to a few sentences
        # ("summary": 2-3 sentences) is part of the label's answer, not prose to write
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def verdict(shot_b64):
                return client.messages.create(model="claude-opus-5-5", max_tokens=1024, messages=[{"role": "user",
                    "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                                             "data": shot_b64}},
                                {"type": "text", "text": 'Return ONLY JSON:\\n"verdict": "phishing" | "suspicious" | '
                                                         '"legitimate"\\n"summary": 2-3 sentence assessment\\n'}]}])
            """,
            message="for a classification prompt",
        ),
        # named fields extracted in a loop whose tools only check them (and read off an image:
        # a fixed small record, unlike "every marker" of a scan)
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            TOOLS = [{"name": "validate_vendor", "description": "Check if a vendor exists in the database.",
                      "input_schema": {"type": "object", "properties": {"vendor": {"type": "string"}}}}]
            def invoice(messages):
                return client.messages.create(model="claude-opus-5-5", max_tokens=2048, tools=TOOLS, messages=messages,
                    system="Extract: vendor name, invoice number, date, total amount. Validate the vendor. Output JSON.")
            """,
            message="its tools only look up or check the extracted fields",
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def is_spam(email):
                return client.messages.create(
                    model="claude-opus-5-5",
                    max_tokens=256,
                    messages=[{"role": "user", "content": f"Is this email spam? Answer yes or no.\\n{email}"}])
            """,
            message="claude-haiku-5-5 is 40x cheaper",
            line=5,
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            def route(ticket):
                return client.messages.create(model="claude-opus-4-6", max_tokens=10,
                    messages=[{"role": "user", "content": ticket}])
            """,
            message="use claude-haiku-5-5",
        ),
        Invalid(
            """
            import anthropic
            client = anthropic.Anthropic()
            SYSTEM = "Extract a list of the people, places and products the sentence names, one per line."
            def entities(sentence):
                return client.messages.create(model="claude-opus-5-5", max_tokens=1000, system=SYSTEM,
                    messages=[{"role": "user", "content": sentence}])
            """,
            message="for an extraction prompt",
        ),
    ]

    def check(self, call: CallSite, ctx: RuleContext) -> Iterator[Report]:
        info = ctx.model_info(call) or intended_model(ctx.catalog, call.model)  # claude-opus-4-<bad date>
        if info is None or info.tier != "premium":
            return
        alt = cheaper_alternative(ctx.catalog, info)
        if alt is None:
            return
        limit = self.option(ctx, "short-answer-max-tokens")
        max_tokens = call.max_tokens
        if max_tokens is not None and max_tokens <= limit:
            why = f"max_tokens={max_tokens} (a short answer)"
        else:
            text = prompt_text(call)
            if call.has("tools") and forced_tool_choice(call) is not True:
                # tools the model may choose among: agentic work, not a one-shot label, unless the
                # request's form shows an extraction whose tools only check it
                kind = shaped_simple_task(call, text)
                if kind is None:
                    return
            else:
                kind = simple_task(text) or shaped_simple_task(call, text)
            callers = None
            if kind is None:  # a wrapper that rebuilds its callers' prompts: its own text and each caller's
                from pytest_tokenbudget.lint.analysis.caller_prompts import every_caller_task  # libcst: lazily

                callers = every_caller_task(call, lambda t: simple_task(f"{text}\n{t}")
                                            or shaped_simple_task(call, f"{text}\n{t}"))
                kind = callers[0] if callers else None
            if kind is None or (kind == "extraction" and media_exempt(call, text)):
                return  # no simple task; or open-ended values read off an image / a PDF (perception)
            why = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} prompt"
            if call.has("tools") and forced_tool_choice(call) is not True:
                why += " (its tools only look up or check the extracted fields)"
            if callers:
                why += f" written by its callers ({', '.join(callers[1][:3])}{', ...' if len(callers[1]) > 3 else ''})"
        ratio_in, ratio_out = _ratio(info.input, alt.input), _ratio(info.output, alt.output)
        ratio = ratio_in if ratio_in == ratio_out else f"{ratio_in} (input) / {ratio_out} (output)"
        yield Report(
            f"premium model {call.model} for {why}: {alt.id} is {ratio} cheaper "
            f"(input {format_usd(info.input)} -> {format_usd(alt.input)}, output {format_usd(info.output)} -> {format_usd(alt.output)} "
            f"per MTok); use {alt.id} for this call",
            node=call.arg_nodes.get("model"),
            properties={"model": info.id, "suggested_model": alt.id,
                        "price_ratio_input": str(info.input / alt.input),
                        "price_ratio_output": str(info.output / alt.output),
                        **saving("TB301", call, ctx, target_model=alt.id)},
        )
