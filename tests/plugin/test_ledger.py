"""Ledger arithmetic with synthetic capture records: pricing, attribution, reservations, budgets."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from pytest_tokenbudget.plugin.ledger import ledger as L
from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest
from pytest_tokenbudget.core.catalog import shipped_catalog
from pytest_tokenbudget.core.cost import price
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.ledger.ledger import Amounts, Entry, Ledger, Limits, Overrun, Totals

HAIKU = "claude-haiku-4-5"
USAGE = {"input_tokens": 100, "cache_creation_input_tokens": 200, "cache_read_input_tokens": 300,
         "output_tokens": 50}


def req(model=HAIKU, max_tokens=100, stream=False, est=10, endpoint="messages", api="anthropic", attempt=0):
    return CallRequest(api=api, endpoint=endpoint, url="http://127.0.0.1/v1/messages", model=model,
                       max_tokens=max_tokens, stream=stream, attempt=attempt, body={}, input_estimate=est)


def rec(request, usage=USAGE, status=200, response_model="claude-haiku-4-5-20251001", complete=True, live=True,
        error=None):
    return CallRecord(request=request, status=status, response_model=response_model, usage=usage,
                      complete=complete, streamed=request.stream, live=live, duration_s=0.01, error=error)


def call(ledger, request=None, **kw):
    request = request or req()
    token = ledger.before_send(request)
    return ledger.on_record(token, rec(request, **kw))


@pytest.fixture
def ledger():
    L.set_current("t::a", "call")
    yield Ledger(catalog=shipped_catalog())
    L.set_current(None, None)


def test_cost_equals_price_by_response_model(ledger):
    e = call(ledger)
    assert e.cost == price("claude-haiku-4-5-20251001", USAGE, catalog=shipped_catalog())
    assert e.cost_usd == Decimal("0.00063")  # 100*1 + 200*1.25 + 300*0.1 + 50*5 = 630 per MTok
    assert e.nodeid == "t::a" and e.phase == "call"
    t = ledger.totals()
    assert (t.calls, t.input_tokens, t.cache_write_tokens, t.cache_read_tokens, t.output_tokens) == (1, 100, 200, 300, 50)
    assert t.cache_hit_rate == 0.5
    assert t.complete


def test_falls_back_to_request_model(ledger):
    e = call(ledger, response_model=None)
    assert e.cost.model == HAIKU


def test_unknown_model_is_never_zero(ledger):
    e = call(ledger, req(model="claude-nope-9"), response_model="claude-nope-9")
    assert e.cost is None and "claude-nope-9" in e.unpriced and "[tool.tokenbudget.models" in e.unpriced
    t = ledger.totals()
    assert t.unpriced == 1 and not t.complete
    assert ledger.unpriced_for("t::a") == [e.unpriced]


def test_usage_unknown_and_malformed_are_counted_and_flagged(ledger):
    r = req(stream=True)
    e = call(ledger, r, usage=None)
    assert e.usage_unknown and e.usage is None
    e2 = call(ledger, usage={"input_tokens": -1, "output_tokens": 2})
    assert e2.usage_unknown and "usage could not be read" in e2.error
    t = ledger.totals()
    assert t.calls == 2 and t.usage_unknown == 2 and not t.complete


def test_errors_count_as_calls_not_tokens(ledger):
    e = call(ledger, usage=None, status=529, response_model=None, error="overloaded_error")
    assert not e.usage_unknown and e.charged == Amounts(calls=1)
    t = ledger.totals()
    assert t.calls == 1 and t.errors == 1 and t.total_tokens == 0 and t.complete


def test_count_tokens_is_free(ledger):
    e = call(ledger, req(endpoint="count_tokens"), usage={"input_tokens": 5})
    assert e.charged == Amounts() and not e.is_call
    assert ledger.totals().calls == 0


def test_worst_case_is_input_estimate_plus_max_tokens_at_list_price(ledger):
    w, why = ledger.worst_case(req(max_tokens=1000, est=2000))
    assert why is None
    assert w.usd == Decimal("0.007")  # 2000*$1 + 1000*$5 per MTok
    assert (w.input_tokens, w.output_tokens, w.total_tokens, w.calls) == (2000, 1000, 3000, 1)
    w, _ = ledger.worst_case(req(max_tokens=None, est=0))
    assert w.output_tokens == 64000  # the model's max output
    w, why = ledger.worst_case(req(model="nope-1"))
    assert w.usd is None and "nope-1" in why


def test_preflight_refuses_and_records(ledger):
    ledger.begin_test("t::a", Limits.parse(usd="0.006"))
    with pytest.raises(TokenBudgetExceeded) as info:
        ledger.before_send(req(max_tokens=1000, est=2000))
    exc = info.value
    assert (exc.scope, exc.budget, exc.dimension, exc.refused) == ("test", "t::a", "usd", True)
    assert exc.limit == Decimal("0.006") and exc.attempted == Decimal("0.007") and exc.spent == 0
    assert "Nothing was sent" in str(exc) and "$0.007" in str(exc)
    t = ledger.totals()
    assert t.refused == 1 and t.calls == 0
    # the capture layer may also report the refused attempt: it is not recorded twice
    r = ledger.entries[0]
    assert ledger.on_record(None, CallRecord(request=req(), status=None, response_model=None, usage=None,
                                             complete=False, streamed=False, live=True, duration_s=0,
                                             refused=True)) is not None  # different request object
    assert ledger.totals().refused == 2 and r.refused


def test_usd_zero_refuses_any_priced_call_none_is_unlimited(ledger):
    ledger.begin_test("t::a", Limits.parse(usd=0))
    with pytest.raises(TokenBudgetExceeded):
        ledger.before_send(req(max_tokens=1, est=0))
    ledger.begin_test("t::a", Limits.parse(usd=None, calls=1))
    call(ledger)
    with pytest.raises(TokenBudgetExceeded) as info:
        ledger.before_send(req())
    assert info.value.dimension == "calls"


def test_preflight_off_lets_overrun_through(ledger):
    ledger.preflight = False
    b = ledger.begin_test("t::a", Limits.parse(usd="0.0001"))
    call(ledger)
    [o] = b.overruns()
    assert o.dimension == "usd" and o.spent == Decimal("0.00063")


def test_reservations_block_parallel_overrun(ledger):
    ledger.begin_test("t::a", Limits.parse(output_tokens=250))
    tokens = [ledger.before_send(req(max_tokens=100)) for _ in range(2)]
    with pytest.raises(TokenBudgetExceeded) as info:
        ledger.before_send(req(max_tokens=100))
    assert info.value.reserved == 200
    for t in tokens:
        ledger.on_record(t, rec(req(max_tokens=100)))
    b = ledger.test_budget("t::a")
    assert b.reserved.known() == Amounts() and b.spent.output_tokens == 100
    ledger.before_send(req(max_tokens=100))  # settled at 50 each: room again


def test_threads_attributed_at_request_time(ledger):
    L.set_current("t::threads", "call")
    ledger.begin_test("t::threads", Limits())
    errors = []

    def work():
        try:
            call(ledger)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert ledger.totals_for("t::threads").calls == 8
    assert len(ledger.test_budget("t::threads").entries) == 8


def test_late_stream_settles_into_the_test_it_started_in(ledger):
    ledger.begin_test("t::a", Limits())
    tok = ledger.before_send(req(stream=True))
    ledger.end_test("t::a")
    L.set_current("t::b", "setup")
    e = ledger.on_record(tok, rec(req(stream=True)))
    assert e.nodeid == "t::a" and e.phase == "call"


def test_incomplete_and_unknown_are_charged_the_worst_case(ledger):
    b = ledger.begin_test("t::a", Limits())
    r = req(stream=True, max_tokens=400, est=10)
    e = call(ledger, r, usage={"input_tokens": 10, "output_tokens": 1}, complete=False)
    assert e.incomplete_stream and e.charged.output_tokens == 400
    assert e.cost_usd == price(HAIKU, {"input_tokens": 10, "output_tokens": 1}).total_usd  # what was seen
    e = call(ledger, req(max_tokens=300), usage=None)
    assert e.charged.output_tokens == 300 and e.charged.usd == ledger.worst_case(req(max_tokens=300))[0].usd
    assert b.spent.output_tokens == 700


def test_nested_blocks(ledger):
    ledger.begin_test("t::a", Limits())
    outer = ledger.open_block(Limits.parse(calls=3), "outer")
    inner = ledger.open_block(Limits.parse(calls=1), "inner")
    call(ledger)
    with pytest.raises(TokenBudgetExceeded) as info:
        ledger.before_send(req())
    assert info.value.scope == "block" and info.value.budget == "inner"
    assert ledger.close_block(inner) == []
    call(ledger)
    assert len(outer.entries) == 3 and outer.totals.refused == 1 and outer.totals.calls == 2
    ledger.close_block(outer)
    assert ledger.active_budgets("t::a") == (ledger.session, ledger.test_budget("t::a"))


def test_session_budget(ledger):
    ledger.session.limits = Limits.parse(usd="0.001")
    call(ledger)
    with pytest.raises(TokenBudgetExceeded) as info:
        call(ledger)
    assert info.value.scope == "session" and "session token budget" in str(info.value)
    assert ledger.session.refused == 1


def test_replayed_entries(ledger):
    e = call(ledger, live=False)
    assert "replayed" in e.flags() and e.charged.calls == 1
    ledger.count_replayed = False
    assert call(ledger, live=False).charged == Amounts()


def test_warn_mode_lets_unknown_model_through(ledger):
    ledger.begin_test("t::a", Limits.parse(usd=1))
    with pytest.raises(TokenBudgetExceeded):
        ledger.before_send(req(model="claude-nope-9"))
    ledger.unknown_model = "warn"
    e = call(ledger, req(model="claude-nope-9"), response_model=None)
    # let through, but charged its worst case at the catalog's highest prices (issue 17), never $0
    assert e.unpriced and e.charged.usd == e.worst.usd > 0


def test_overrun_text_is_django_style():
    o = Overrun("test", "t", "usd", Decimal("0.0100"), Decimal("0.0123"))
    assert o.describe() == "spent $0.0123 of a $0.01 budget (+$0.0023, 23% over)"
    o = Overrun("test", "t", "output_tokens", 1000, 1500)
    assert o.describe() == "used 1,500 output tokens of a 1,000 output tokens budget (+500, 50% over)"
    assert "nothing was allowed" in Overrun("test", "t", "usd", Decimal(0), Decimal("0.5")).describe()


def test_limits_parse():
    assert Limits.parse(usd=0.01).usd == Decimal("0.01")
    assert Limits.parse(usd="$0.5").usd == Decimal("0.5")
    assert not Limits()
    for bad in ({"usd": -1}, {"usd": "x"}, {"calls": 1.5}, {"calls": True}, {"dollars": 1}):
        with pytest.raises(ValueError):
            Limits.parse(**bad)


def test_plain_value_round_trip(ledger):
    call(ledger)
    call(ledger, usage=None)
    call(ledger, req(model="claude-nope-9"), response_model=None)
    import json
    data = json.loads(json.dumps(ledger.as_json()))
    back = [Entry.from_json(d) for d in data["entries"]]
    assert [e.cost_usd for e in back] == [e.cost_usd for e in ledger.entries]
    assert [e.charged for e in back] == [e.charged for e in ledger.entries]
    assert Totals.from_json(data["totals"]) == ledger.totals()
    assert Limits.from_json(Limits.parse(usd="0.5", calls=2).as_json()) == Limits.parse(usd="0.5", calls=2)


def test_batch_worst_case_is_the_sum_of_its_requests_at_batch_price(ledger):
    body = {"requests": [{"custom_id": str(i), "params": {"model": HAIKU, "max_tokens": 1000,
                                                         "messages": [{"role": "user", "content": "hi"}]}}
                         for i in range(3)]}
    r = CallRequest(api="anthropic", endpoint="batches", url="u", model=None, max_tokens=None, stream=False,
                    attempt=0, body=body)
    w, why = ledger.worst_case(r)
    one, _ = ledger.worst_case(req(max_tokens=1000, est=w.input_tokens // 3))
    assert why is None and w.calls == 3 and w.output_tokens == 3000  # each request is billed as a call
    assert w.usd == 3 * one.usd / 2  # the Batch API costs half


def test_absorb_entries_from_another_process(ledger):
    other = Ledger(catalog=shipped_catalog())
    call(other)
    other.session.limits = Limits.parse(calls=0)
    with pytest.raises(TokenBudgetExceeded):
        other.before_send(req())
    ledger.session.limits = Limits.parse(usd="0.0001")
    ledger.absorb(Entry.from_json(e.as_json()) for e in other.entries)
    assert ledger.totals() == other.totals()
    assert ledger.session.spent.usd == Decimal("0.00063") and ledger.session.overruns()
    assert ledger.session.totals.refused == 1


# ------------------------------------------------------------------------------ never under-price
def fast_req(model, est=1000, max_tokens=1000):
    r = req(model=model, max_tokens=max_tokens, est=est)
    return CallRequest(api=r.api, endpoint=r.endpoint, url=r.url, model=model, max_tokens=max_tokens,
                       stream=False, attempt=0, body={"speed": "fast"}, input_estimate=est)


def test_fast_worst_case_uses_the_fast_price(ledger, monkeypatch):
    monkeypatch.setenv("TOKENBUDGET_TODAY", "2026-12-01")
    w, why = ledger.worst_case(fast_req("claude-fable-5-2"))
    assert w.usd == Decimal("0.096") and why is None  # 1000*16 + 1000*80, not the standard 0.048


def test_unpublished_fast_price_reserves_the_highest_documented_multiplier(ledger, monkeypatch):
    monkeypatch.setenv("TOKENBUDGET_TODAY", "2026-12-01")
    w, why = ledger.worst_case(fast_req("claude-mythos-5-2"))
    assert w.usd == Decimal("0.288")  # 6x (Opus 4.6 fast): 1000*48 + 1000*240
    assert "fast price unpublished: worst case 6x" in why
    ledger.begin_test("t::a", Limits.parse(usd="0.1"))
    with pytest.raises(TokenBudgetExceeded) as exc:
        ledger.before_send(fast_req("claude-mythos-5-2"))
    assert "fast price unpublished: worst case 6x of the standard price" in str(exc.value)


def test_regional_bedrock_profile_is_reserved_and_charged_with_its_premium(ledger, monkeypatch):
    monkeypatch.setenv("TOKENBUDGET_TODAY", "2026-12-01")
    model = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    w, _ = ledger.worst_case(req(model=model, max_tokens=1000, est=2000))
    assert w.usd == Decimal("0.0077")  # (2000*1 + 1000*5) * 1.1
    e = call(ledger, req(model=model))  # the response names the bare model; the request its profile
    assert e.cost_usd == Decimal("0.000693")  # 630 per MTok * 1.1
    assert "regionalx1.1" in e.cost.modifiers


def test_vertex_regional_locations_carry_the_premium_and_global_does_not(ledger, monkeypatch):
    monkeypatch.setenv("TOKENBUDGET_TODAY", "2026-12-01")
    base = "https://aiplatform.googleapis.com/v1/projects/p/locations/{}/publishers/anthropic/models/{}:rawPredict"

    def vertex(location, model="claude-haiku-4-5@20251001"):
        return CallRequest(api="anthropic", endpoint="messages", url=base.format(location, model), model=model,
                           max_tokens=1000, stream=False, attempt=0, body={}, input_estimate=2000)

    assert ledger.worst_case(vertex("us-east5"))[0].usd == Decimal("0.0077")  # (2000*1 + 1000*5) * 1.1
    assert ledger.worst_case(vertex("global"))[0].usd == Decimal("0.007")
    assert ledger.worst_case(vertex("us-east5", "claude-3-5-haiku@20241022"))[0].usd == Decimal("0.0056")  # no premium
    e = call(ledger, vertex("europe-west1"))
    assert e.cost_usd == Decimal("0.000693") and "regionalx1.1" in e.cost.modifiers
