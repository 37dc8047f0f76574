"""``tokenbudget estimate``: per-call cost ranges against figures worked out by hand from the catalog.

Token counts come from ``estimate_tokens()`` on the exact static text the estimate sees (so the
tests hold whichever estimator is installed); dollars are computed here by hand, prices per MTok
copied from the catalog rows (claude-sonnet-4-6: $3 in / $3.75 5m write / $6 1h write / $0.30 read
/ $15 out, min cacheable 1,024; claude-haiku-4-5: $1 / $1.25 / $2 / $0.10 / $5, min 4,096;
claude-opus-4-5: $5 / $6.25 / $10 / $0.50 / $25, min 4,096; batch = 0.5x).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path


from pytest_tokenbudget.core.catalog import shipped_catalog
from pytest_tokenbudget.cli import main
from pytest_tokenbudget.lint.api import LintSettings
from pytest_tokenbudget.core.money import format_usd as fmt_usd
from pytest_tokenbudget.lint.api import estimate_paths, estimate_source
from pytest_tokenbudget.lint.estimate.report import EstimateReport
from pytest_tokenbudget.lint.estimate.savings import saving_for, saving_properties
from pytest_tokenbudget.lint.estimate.sites import Figure
from pytest_tokenbudget.lint.rules.base import RuleContext
from pytest_tokenbudget.core.tokens import estimate_tokens

CAT = shipped_catalog()
M = Decimal(1_000_000)
CASES = Path(__file__).parent / "estimate_cases"

HEAD = """\
import anthropic
client = anthropic.Anthropic()
"""


def sites(body: str, **kw):
    return estimate_source(HEAD + textwrap.dedent(body), path="t.py", catalog=CAT, **kw)


def one(body: str, **kw):
    (s,) = sites(body, **kw)
    return s


def tok(*parts: str) -> int:
    """Tokens of the blocks' static text as the estimate joins them (one newline between blocks)."""
    return estimate_tokens("\n".join(parts))


# ----------------------------------------------------------------------------- per-call ranges
def test_literal_prompt():
    s = one("""
        def ask():
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system="You are terse.",
                messages=[{"role": "user", "content": "Name three prime numbers."}])
    """)
    t = tok("You are terse.", "Name three prime numbers.")
    assert s.input_tokens == t and not s.input_lower_bound and s.unknowns == ()
    assert s.model_id == "claude-sonnet-4-6" and s.max_tokens == 500 and s.line == 5
    # best: t input at $3 + 1 output token at $15;  worst: t input at $3 + 500 output at $15
    assert s.best == Figure(Decimal(t) * 3 / M + Decimal(1) * 15 / M)
    assert s.worst == Figure(Decimal(t) * 3 / M + Decimal(500) * 15 / M)
    assert not s.best.lower_bound and not s.worst.lower_bound
    assert s.worst.text() == fmt_usd(s.worst.usd) and not s.worst.text().startswith("≥")


def test_module_constant_prompt():
    s = one("""
        SYSTEM = "You label support tickets as billing, bug or other. " + "Be exact."
        def label(ticket_id):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=10, system=SYSTEM,
                messages=[{"role": "user", "content": "Ticket 42: my invoice is wrong."}])
    """)
    t = tok("You label support tickets as billing, bug or other. Be exact.", "Ticket 42: my invoice is wrong.")
    assert s.input_tokens == t and not s.input_lower_bound
    assert s.best.usd == Decimal(t) * 1 / M + 1 * Decimal(5) / M
    assert s.worst.usd == Decimal(t) * 1 / M + 10 * Decimal(5) / M


LONG = "Refund policy clause: refunds within 14 days of purchase for unused seats only. " * 120


def test_cached_system_prompt_read_in_best_case_written_in_worst():
    s = one(f"""
        POLICY = {LONG!r}
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=300,
                system=[{{"type": "text", "text": POLICY, "cache_control": {{"type": "ephemeral"}}}}],
                messages=[{{"role": "user", "content": "Can I get a refund after 20 days?"}}])
    """)
    cached = tok(LONG)
    total = tok(LONG, "Can I get a refund after 20 days?")
    assert cached >= 1024  # above claude-sonnet-4-6's minimum: really cached
    assert s.input_tokens == total and s.cached_tokens == cached and not s.input_lower_bound
    rest = total - cached
    # best: the prefix read at $0.30, the rest at $3, 1 output token at $15
    assert s.best.usd == (Decimal(cached) * Decimal("0.30") + Decimal(rest) * 3 + 1 * 15) / M
    # worst: a cache miss writes the prefix at $3.75 (5 minutes), the rest at $3, 300 output at $15
    assert s.worst.usd == (Decimal(cached) * Decimal("3.75") + Decimal(rest) * 3 + 300 * 15) / M


def test_cached_one_hour_ttl_and_automatic_caching():
    s = one(f"""
        POLICY = {LONG!r}
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=300,
                system=[{{"type": "text", "text": POLICY, "cache_control": {{"type": "ephemeral", "ttl": "1h"}}}}],
                messages=[{{"role": "user", "content": "Hi"}}])
    """)
    cached, total = tok(LONG), tok(LONG, "Hi")
    assert s.worst.usd == (Decimal(cached) * 6 + Decimal(total - cached) * 3 + 300 * 15) / M
    assert s.best.usd == (Decimal(cached) * Decimal("0.30") + Decimal(total - cached) * 3 + 15) / M
    # top-level cache_control: the breakpoint is the last block, so the whole known prompt is read
    auto = one(f"""
        POLICY = {LONG!r}
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=POLICY,
                cache_control={{"type": "ephemeral"}}, messages=[{{"role": "user", "content": "Hi"}}])
    """)
    assert auto.cached_tokens == total
    assert auto.best.usd == (Decimal(total) * Decimal("0.30") + 15) / M
    assert any("automatic caching" in n for n in auto.notes)


def test_cache_below_minimum_is_not_a_read():
    s = one("""
        def ask(q):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=50,
                system=[{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": "Hello there"}])
    """)
    t = tok("Be brief.", "Hello there")
    assert s.cached_tokens == 0
    assert s.best.usd == (Decimal(t) * 1 + 1 * 5) / M
    assert s.worst.usd == (Decimal(t) * 1 + 50 * 5) / M
    assert any("below the 4,096-token minimum" in n and "TB102" in n for n in s.notes)


def test_volatile_value_in_cached_prefix_never_reads():
    s = one(f"""
        import datetime
        POLICY = {LONG!r}
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=100,
                system=[{{"type": "text", "text": f"Now: {{datetime.datetime.now()}}. " + POLICY,
                          "cache_control": {{"type": "ephemeral"}}}}],
                messages=[{{"role": "user", "content": "Hi"}}])
    """)
    assert s.cached_tokens == 0
    assert s.best_usage.cache_write_5m_tokens > 0 and s.best_usage.cache_read_tokens == 0
    assert any("TB104" in n for n in s.notes)


def test_batch_params_priced_at_half():
    s = one("""
        def submit():
            client.messages.batches.create(requests=[
                {"custom_id": "a", "params": {"model": "claude-haiku-4-5", "max_tokens": 100,
                    "messages": [{"role": "user", "content": "Summarise: the sky is blue."}]}},
            ])
    """)
    t = tok("Summarise: the sky is blue.")
    assert s.batch and s.api == "messages.batches.create"
    # standard prices x 0.5
    assert s.best.usd == (Decimal(t) * 1 + 1 * 5) / M * Decimal("0.5")
    assert s.worst.usd == (Decimal(t) * 1 + 100 * 5) / M * Decimal("0.5")
    assert any("Batches" in n for n in s.notes)


def test_dynamic_fstring_is_a_lower_bound_never_zero():
    s = one("""
        def haiku(topic):
            return client.messages.create(model="claude-opus-4-5", max_tokens=300,
                messages=[{"role": "user", "content": f"Write a haiku about {topic} in English."}])
    """)
    t = tok("Write a haiku about  in English.")  # the static parts; the hole is not counted as 0 ...
    assert s.input_tokens == t and s.input_lower_bound  # ... it makes the figure a lower bound
    assert s.unknowns == ("messages: 1 f-string/format hole",)
    assert s.best == Figure((Decimal(t) * 5 + 1 * 25) / M, lower_bound=True)
    assert s.worst == Figure((Decimal(t) * 5 + 300 * 25) / M, lower_bound=True)
    assert s.worst.text().startswith("≥ $")


def test_unresolved_messages_and_kwargs_are_named():
    s = one("""
        def chat(history, **kw):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=history, **kw)
    """)
    assert s.input_lower_bound and s.input_tokens == 0
    assert "messages: not resolved (a runtime value)" in s.unknowns
    assert any("system: may be passed through **kwargs" in u for u in s.unknowns)
    assert s.worst == Figure(Decimal(200 * 5) / M, lower_bound=True)


def test_unknown_model_gets_no_dollar_figure():
    dynamic, unlisted = sites("""
        import os
        def a(q):
            return client.messages.create(model=os.environ["MODEL"], max_tokens=10,
                messages=[{"role": "user", "content": "hi"}])
        def b(q):
            return client.messages.create(model="claude-imaginary-9", max_tokens=10,
                messages=[{"role": "user", "content": "hi"}])
    """)
    for s in (dynamic, unlisted):
        assert s.best.usd is None and s.worst.usd is None and s.worst.text() == "n/a"
    assert "not resolved" in dynamic.worst.why and dynamic.model_label == "unknown"
    assert 'tool.tokenbudget.models."claude-imaginary-9"' in unlisted.worst.why
    assert unlisted.unknowns[0] == unlisted.worst.why


def test_max_tokens_missing_or_unresolved():
    missing, dynamic = sites("""
        def a(q):
            return client.messages.create(model="claude-haiku-4-5", messages=[{"role": "user", "content": "hi"}])
        def b(q, n):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=n,
                messages=[{"role": "user", "content": "hi"}])
    """)
    assert missing.worst.usd is None and "TB201" in missing.worst.why
    t = tok("hi")
    assert dynamic.worst == Figure((Decimal(t) + 5) / M, True, dynamic.worst.why)
    assert "max_tokens: not resolved" in dynamic.unknowns


def test_sorted_by_worst_case_and_totals_per_file_and_model():
    found = sites("""
        def a():
            return client.messages.create(model="claude-haiku-4-5", max_tokens=10,
                messages=[{"role": "user", "content": "hi"}])
        def b():
            return client.messages.create(model="claude-opus-4-5", max_tokens=1000,
                messages=[{"role": "user", "content": "hi"}])
        def c(q):
            return client.messages.create(model=q, max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    """)
    report = EstimateReport(found, "test")
    assert [s.model_label for s in report.sites] == ["claude-opus-4-5", "claude-haiku-4-5", "unknown"]
    t = tok("hi")
    opus_w = (Decimal(t) * 5 + 1000 * 25) / M
    haiku_w = (Decimal(t) * 1 + 10 * 5) / M
    total = report.total()
    assert total.sites == 3 and total.unpriced == 1
    # the unpriced site is left out, so the total is a lower bound
    assert total.worst == Figure(opus_w + haiku_w, True, total.worst.why)
    assert report.by_model()["claude-opus-4-5"].worst == Figure(opus_w)
    assert list(report.by_file()) == ["t.py"]


# ----------------------------------------------------------------------------- calls per day
def test_calls_per_day_option_and_per_site_comment():
    a, b, c = sites("""
        def a():
            # tokenbudget: calls-per-day=250
            return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                messages=[{"role": "user", "content": "hi"}])
        def b():
            return client.messages.create(  # tokenbudget: calls-per-day=1_000
                model="claude-haiku-4-5", max_tokens=100, messages=[{"role": "user", "content": "hi"}])
        def c():
            return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                messages=[{"role": "user", "content": "hi"}])
    """, calls_per_day=10)
    worst = (Decimal(tok("hi")) * 1 + 100 * 5) / M
    assert (a.calls_per_day, a.calls_per_day_source) == (250, "comment")
    assert (b.calls_per_day, b.calls_per_day_source) == (1000, "comment")
    assert (c.calls_per_day, c.calls_per_day_source) == (10, "option")
    assert a.daily_worst.usd == worst * 250 and a.monthly_worst.usd == worst * 250 * 30
    assert b.monthly_worst.usd == worst * 1000 * 30
    report = EstimateReport([a, b, c], "test", calls_per_day=10)
    assert report.total().daily_worst.usd == worst * (250 + 1000 + 10)
    assert report.total().monthly_worst.usd == worst * 1260 * 30
    # without the option, only the commented sites are projected
    a2, b2, c2 = sites("""
        def a():
            # tokenbudget: calls-per-day=250
            return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                messages=[{"role": "user", "content": "hi"}])
        def c():
            return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                messages=[{"role": "user", "content": "hi"}])
        def d():
            return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                messages=[{"role": "user", "content": "hi"}])
    """)
    assert (a2.calls_per_day, c2.calls_per_day, c2.daily_worst) == (250, None, None)
    assert EstimateReport([a2, b2, c2], "t").total().projected_sites == 1


# ----------------------------------------------------------------------------- savings
def _site(body: str):
    return one(body).call


def test_saving_tb101_caching_prefix():
    call = _site(f"""
        POLICY = {LONG!r}
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=POLICY,
                messages=[{{"role": "user", "content": q}}])
    """)
    p = tok(LONG)
    s = saving_for("TB101", call, CAT, {})
    assert s.per_call == Decimal(p) * (Decimal(3) - Decimal("0.30")) / M
    assert f"caching this {p:,}-token prefix (system) saves {fmt_usd(s.per_call)} per call after the first" \
        in s.sentence
    assert s.basis["first_call_extra_usd"] == str(Decimal(p) * (Decimal("3.75") - 3) / M)
    props = saving_properties("TB101", call, RuleContext(catalog=CAT, options={}))
    assert props["saving_usd_per_call"] == str(s.per_call.normalize()) and props["saving_prefix_tokens"] == p
    json.dumps(props)  # JSON-able, for lint JSON and SARIF properties


def test_saving_tb204_lower_max_tokens():
    call = _site("""
        def urgent(t):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1000,
                messages=[{"role": "user", "content": f"Is this urgent? Answer yes or no. {t}"}])
    """)
    s = saving_for("TB204", call, CAT, {"short-answer-max-tokens": 64})
    assert s.per_call == Decimal(1000 - 64) * 5 / M == Decimal("0.00468")
    assert s.sentence == "lowering max_tokens from 1,000 to 64 cuts the worst case by $0.00468 per call"
    assert saving_for("TB204", call, CAT, {"short-answer-max-tokens": 2000}) is None


def test_saving_tb301_cheaper_model_and_tb401_batch():
    body = """
        def label(t):
            return client.messages.create(model="claude-opus-4-5", max_tokens=200,
                messages=[{"role": "user", "content": "Classify: billing or bug? One word."}])
    """
    est = one(body)
    t = tok("Classify: billing or bug? One word.")
    worst = (Decimal(t) * 5 + 200 * 25) / M
    assert est.worst.usd == worst
    s301 = saving_for("TB301", est.call, CAT, {})
    # claude-haiku-4-5 (same generation, $1/$5) is 0.2x claude-opus-4-5 ($5/$25) on both prices
    assert s301.basis["target_model"] == "claude-haiku-4-5"
    assert s301.per_call == worst - (Decimal(t) * 1 + 200 * 5) / M == worst * Decimal("0.8")
    assert "0.2x the price" in s301.sentence
    s401 = saving_for("TB401", est.call, CAT, {})
    assert s401.per_call == worst * Decimal("0.5")
    assert s401.sentence.startswith("the Message Batches API (50% off) saves")
    # an explicit target from the rule wins; an already batched call saves nothing more
    s = saving_for("TB301", est.call, CAT, {"target-model": "claude-sonnet-4-5"})
    assert s.per_call == worst - (Decimal(t) * 3 + 200 * 15) / M
    batched = one("""
        def submit():
            client.messages.batches.create(requests=[{"custom_id": "a", "params": {"model": "claude-haiku-4-5",
                "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}}])
    """)
    assert saving_for("TB401", batched.call, CAT, {}) is None


def test_saving_needs_a_priced_model():
    call = _site("""
        def ask(m):
            return client.messages.create(model=m, max_tokens=1000, messages=[{"role": "user", "content": "yes or no?"}])
    """)
    assert all(saving_for(code, call, CAT, {}) is None for code in ("TB101", "TB204", "TB301", "TB401"))
    assert saving_properties("TB204", call, RuleContext(catalog=CAT, options={})) == {}


# ----------------------------------------------------------------------------- files and CLI
def _settings(tmp_path: Path) -> LintSettings:
    return LintSettings(root=tmp_path, cache=False, catalog=CAT)


def test_estimate_paths_on_fixture_folder(tmp_path):
    report = estimate_paths([str(CASES)], _settings(tmp_path), calls_per_day=None)
    by_fn = {s.function: s for s in report.sites}
    assert set(by_fn) == {"is_urgent", "summarise", "label_all", "route"}
    urgent = by_fn["is_urgent"]
    triage = "You triage support tickets. Reply with yes or no only."
    t = tok(triage, "Is this ticket urgent? Answer yes or no. Ticket: ")
    assert urgent.input_tokens == t and urgent.input_lower_bound
    assert urgent.worst.usd == (Decimal(t) * 1 + 1000 * 5) / M
    assert (urgent.calls_per_day, urgent.calls_per_day_source) == (250, "comment")
    assert by_fn["summarise"].calls_per_day == 40
    assert by_fn["route"].worst.usd is None
    assert report.sites[-1].function == "route"  # unpriced last


def test_cli_json(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["estimate", str(CASES), "--format", "json", "--calls-per-day", "100"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["calls_per_day"] == 100
    urgent = next(s for s in data["sites"] if s["function"] == "is_urgent")
    t = tok("You triage support tickets. Reply with yes or no only.", "Is this ticket urgent? Answer yes or no. Ticket: ")
    worst = (Decimal(t) + 1000 * 5) / M
    assert Decimal(urgent["worst_per_call"]["usd"]) == worst and urgent["worst_per_call"]["lower_bound"] is True
    assert urgent["calls_per_day"] == 250 and Decimal(urgent["monthly"]["worst"]["usd"]) == worst * 250 * 30
    label = next(s for s in data["sites"] if s["function"] == "label_all")
    assert (label["calls_per_day"], label["calls_per_day_source"]) == (100, "option")
    route = next(s for s in data["sites"] if s["function"] == "route")
    assert route["worst_per_call"]["usd"] is None and "not resolved" in route["worst_per_call"]["why"]
    totals = data["totals"]
    assert totals["all"]["sites"] == 4 and totals["all"]["unpriced"] == 1
    assert set(totals["models"]) == {"claude-haiku-4-5", "claude-sonnet-4-6", "unknown"}
    assert totals["all"]["worst_per_call"]["lower_bound"] is True  # the unknown model, the f-string
    assert "savings" not in data


def _app_copy(tmp_path: Path) -> Path:
    """The estimate cases as an application's code: under this repository's ``tests/`` folder they
    are test code, which gets no cost advice (so no savings) from whatever directory they are linted."""
    return Path(shutil.copytree(CASES, tmp_path / "app"))


def test_cli_markdown_to_file_with_savings(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "cost.md"
    assert main(["estimate", str(_app_copy(tmp_path)), "--format", "markdown", "--savings", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    md = out.read_text()
    assert md.startswith("## tokenbudget estimate")
    assert "| site | model | input tokens | max_tokens | best / call | worst / call |" in md
    assert "### Per file" in md and "### Per model" in md and "### Savings" in md
    assert "| claude-haiku-4-5 | 2 |" in md
    rows = [line for line in md.splitlines() if line.startswith("| `") and "desk.py:" in line]
    assert len(rows) == 4 and "summarise" in rows[0] and "route" in rows[-1]  # worst case first, unpriced last
    # the yes/no prompt with max_tokens=1000 (TB204), if the rule is installed
    if "TB204 is not installed" not in md:
        assert "lowering max_tokens from 1,000 to 64 cuts the worst case by $0.00468 per call" in md


def test_cli_text_and_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.py").write_text("client.messages.create(\n")
    assert main(["estimate", str(CASES), str(tmp_path / "broken.py")]) == 0  # a report, not a gate
    text = capsys.readouterr().out
    assert "4 call sites in 1 file" in text and "worst/call" in text and "Per model:" in text
    assert "claude-haiku-4-5" in text and "≥ $" in text and "broken.py: cannot parse" in text
    assert main(["estimate", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_savings_honour_suppression_comments(tmp_path):
    (tmp_path / "a.py").write_text(textwrap.dedent("""\
        import anthropic
        client = anthropic.Anthropic()
        def urgent(t):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1000,  # tokenbudget: ignore[TB204]
                messages=[{"role": "user", "content": f"Is this urgent? Answer yes or no. {t}"}])
        def urgent2(t):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1000,
                messages=[{"role": "user", "content": f"Is this urgent? Answer yes or no. {t}"}])
    """))
    report = estimate_paths([str(tmp_path)], _settings(tmp_path), savings=True)
    assert not any("is not installed" in n for n in report.savings_notes), report.savings_notes
    tb204 = [s for s in report.savings if s.saving.code == "TB204"]
    assert [s.site.function for s in tb204] == ["urgent2"]
    assert tb204[0].saving.per_call == Decimal("0.00468")


def test_lint_finding_properties_agree_with_saving_for():
    """The figures in lint JSON / SARIF ``properties`` are the ones :func:`saving_for` computes.

    TB101 already attaches ``saving_usd_per_call``; the other codes are checked as soon as their
    rules attach :func:`saving_properties` (see the integration note in estimate.py's docstring).
    """
    from pytest_tokenbudget.lint.api import lint_source

    body = f"""
        POLICY = {LONG!r}
        def ask(q):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=1000, system=POLICY,
                messages=[{{"role": "user", "content": f"Answer yes or no: {{q}}"}}])
    """
    call = _site(body)
    findings = lint_source(HEAD + textwrap.dedent(body), path="t.py",
                           settings=LintSettings(root=Path.cwd(), cache=False, catalog=CAT))
    checked = set()
    for f in findings:
        if "saving_usd_per_call" in f.properties:
            s = saving_for(f.code, call, CAT, {"short-answer-max-tokens": 64})
            assert s is not None and Decimal(f.properties["saving_usd_per_call"]) == s.per_call, f.code
            checked.add(f.code)
    assert checked == {"TB101", "TB204"}


def test_tb301_and_tb401_findings_carry_the_saving_for_figures():
    from pytest_tokenbudget.lint.api import lint_source

    body = """
        def route(tickets):
            out = []
            for t in tickets:
                out.append(client.messages.create(model="claude-opus-4-5", max_tokens=40,
                    messages=[{"role": "user", "content": f"Classify this ticket as billing or bug: {t}"}]))
            return out
    """
    call = _site(body)
    findings = lint_source(HEAD + textwrap.dedent(body), path="t.py",
                           settings=LintSettings(root=Path.cwd(), cache=False, catalog=CAT))
    by_code = {f.code: f for f in findings}
    assert {"TB301", "TB401"} <= set(by_code)
    tb301 = by_code["TB301"].properties
    expected = saving_for("TB301", call, CAT, {"target-model": tb301["suggested_model"]})
    assert Decimal(tb301["saving_usd_per_call"]) == expected.per_call
    assert Decimal(by_code["TB401"].properties["saving_usd_per_call"]) == saving_for("TB401", call, CAT, {}).per_call


def test_openai_compatible_call_without_max_tokens_uses_the_model_maximum():
    s = one("""
        import openai
        oc = openai.OpenAI(base_url="https://api.anthropic.com/v1/")
        def ask():
            return oc.chat.completions.create(model="claude-sonnet-4-6",
                messages=[{"role": "user", "content": "Tell me a story."}])
    """)
    t = tok("Tell me a story.")
    # no max_tokens: output is bounded only by claude-sonnet-4-6's 128,000-token maximum
    assert s.worst == Figure((Decimal(t) * 3 + 128000 * 15) / M)
    assert any("128,000" in n for n in s.notes)


def test_notebook_cells(tmp_path):
    cells = [
        {"cell_type": "markdown", "source": ["# notes"]},
        {"cell_type": "code", "source": ["import anthropic\n", "client = anthropic.Anthropic()"]},
        {"cell_type": "code", "source": [
            "def ask():\n",
            "    # tokenbudget: calls-per-day=7\n",
            "    return client.messages.create(model=\"claude-haiku-4-5\", max_tokens=20,\n",
            "        messages=[{\"role\": \"user\", \"content\": \"hi\"}])",
        ]},
    ]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}))
    report = estimate_paths([str(tmp_path)], _settings(tmp_path))
    (s,) = report.sites
    assert (s.cell, s.line, s.calls_per_day) == (2, 3, 7)
    assert s.worst.usd == (Decimal(tok("hi")) + 20 * 5) / M
    assert "[cell 2]:3" in s.location


def test_cli_json_savings_with_projection(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["estimate", str(_app_copy(tmp_path)), "--format", "json", "--savings"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data["savings"], list) and isinstance(data["savings_notes"], list)
    tb204 = [s for s in data["savings"] if s["code"] == "TB204"]
    if not tb204:
        assert any("TB204" in n for n in data["savings_notes"])  # the rule is not installed
        return
    (s,) = tb204
    # is_urgent: max_tokens 1000 -> 64 on claude-haiku-4-5 ($5 / MTok output), 250 calls a day (comment)
    assert s["path"].endswith("desk.py") and s["per_call_usd"] == "0.00468"
    assert Decimal(s["daily_usd"]) == Decimal("0.00468") * 250
    assert Decimal(s["monthly_usd"]) == Decimal("0.00468") * 250 * 30
    assert data["savings"][0]["per_call_usd"] == max((x["per_call_usd"] for x in data["savings"]), key=Decimal)


def test_estimate_never_repeats_a_key_pasted_as_the_model(tmp_path, capsys):
    from pytest_tokenbudget.cli import main

    key = "sk-ant-api03-" + "Q" * 40
    (tmp_path / "k.py").write_text("import anthropic\nc = anthropic.Anthropic()\ndef f(q):\n"
                                   f"    return c.messages.create(model={key!r}, max_tokens=10, "
                                   "messages=[{'role': 'user', 'content': q}])\n")
    for fmt in ("text", "markdown", "json"):
        assert main(["estimate", "--format", fmt, str(tmp_path / "k.py")]) == 0
        out = capsys.readouterr().out
        assert key not in out and "[redacted key]" in out, fmt


def test_estimate_reports_files_it_cannot_analyse_and_goes_on(tmp_path):
    from pytest_tokenbudget.lint.api import LintSettings
    from pytest_tokenbudget.lint.api import estimate_paths

    head = "import anthropic\nc = anthropic.Anthropic()\n"
    call = "c.messages.create(model='claude-haiku-4-5', max_tokens=5, messages=[])"
    (tmp_path / "deep.py").write_text(head + f"x = {call} + " + "1 + " * 3000 + "1\n")
    (tmp_path / "big.py").write_text(head + f"y = {call}\n" + "# filler\n" * 200_000)
    (tmp_path / "ok.py").write_text(head + f"def f():\n    return {call}\n")
    settings = LintSettings(root=tmp_path, cache=False, options={"max-file-size": 1024 * 1024})
    report = estimate_paths([str(tmp_path)], settings)
    errors = dict((Path(p).name, why) for p, why in report.errors)
    # Python <= 3.12 cannot compile a 3,000-term chain; 3.13's parser can, and the analyser's own
    # depth limit says so instead: either way the file is named with why it was left out
    assert "too deeply nested" in errors["deep.py"] or errors["deep.py"].startswith(
        "not analysed: code nested 3008 levels deep (the analyser's limit is 1000)")
    assert errors["big.py"].startswith("not analysed: it is 1.7 MB, over the 1.0 MB limit")
    assert [Path(s.path).name for s in report.sites] == ["ok.py"]


# ----------------------------------------------------------------------------- the project index
RUNNER = '''\
import os
from pathlib import Path

import anthropic

from .prompts import SYSTEM

GUIDE = (Path(__file__).parent / "prompts" / "guide.md").read_text()
client = anthropic.Anthropic()


def label_example():
    return client.messages.create(model="claude-haiku-4-5", max_tokens=10,
                                  system=[{"type": "text", "text": SYSTEM}, {"type": "text", "text": GUIDE}],
                                  messages=[{"role": "user", "content": "Ticket: my invoice is wrong."}])


def label_custom():
    extra = Path(os.environ["PROMPT_FILE"]).read_text()  # a path nobody can pin before the run
    return client.messages.create(model="claude-haiku-4-5", max_tokens=10,
                                  system=[{"type": "text", "text": SYSTEM}, {"type": "text", "text": extra}],
                                  messages=[{"role": "user", "content": "Ticket: my invoice is wrong."}])
'''
SYSTEM_TEXT = "You label support tickets as billing, bug or other. Reply with the label only."
GUIDE_TEXT = "# Labelling guide\n\nBilling: invoices, refunds, charges. Bug: errors, crashes. Other: the rest.\n"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg" / "prompts").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "prompts.py").write_text(f"SYSTEM = {SYSTEM_TEXT!r}\n")
    (root / "pkg" / "prompts" / "guide.md").write_text(GUIDE_TEXT)
    (root / "pkg" / "runner.py").write_text(RUNNER)
    return root


def test_estimate_resolves_prompts_through_the_project_index(tmp_path):
    """A constant imported from prompts.py and a prompt file read through a static path are known
    text: the input estimate is exact, not a lower bound."""
    report = estimate_paths([str(_project(tmp_path))], _settings(tmp_path))
    site = {s.function: s for s in report.sites}["label_example"]
    t = tok(SYSTEM_TEXT, GUIDE_TEXT, "Ticket: my invoice is wrong.")
    assert (site.input_tokens, site.input_lower_bound, site.unknowns) == (t, False, ())
    assert site.worst == Figure(Decimal(t) * 1 / M + 10 * Decimal(5) / M)  # haiku 4.5: $1 in, $5 out
    assert not site.worst.text().startswith("≥")


def test_estimate_keeps_a_lower_bound_where_the_prompt_path_cannot_be_pinned(tmp_path):
    """The file named by an environment variable stays unknown: the known parts (the imported
    constant, the message) are counted and the figure stays a lower bound."""
    report = estimate_paths([str(_project(tmp_path))], _settings(tmp_path))
    site = {s.function: s for s in report.sites}["label_custom"]
    t = tok(SYSTEM_TEXT, "Ticket: my invoice is wrong.")
    assert (site.input_tokens, site.input_lower_bound) == (t, True)
    assert site.unknowns == ("system: 1 unresolved value",)
    assert site.worst.lower_bound and site.worst.text().startswith("≥")
