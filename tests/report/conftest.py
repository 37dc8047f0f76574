"""Reports built from hand-made ledger entries (no pytest run): claude-haiku-4-5 is $1 input and
$5 output per MTok, so 1,000 input + 100 output tokens cost $0.0015."""

from __future__ import annotations

import json
from decimal import Decimal
import jsonschema
import pytest

from pytest_tokenbudget.core.cost import price
from pytest_tokenbudget.core.usage import Usage
from pytest_tokenbudget.plugin.ledger.ledger import Amounts, Entry
from pytest_tokenbudget.plugin.report_builder import TestInfo, build_report
from pytest_tokenbudget.report.model import Report
from pytest_tokenbudget.report.validate import load_schema


def make_entry(seq, nodeid, *, model="claude-haiku-4-5", inp=1000, out=100, live=True, refused=False,
               usage_unknown=False, unpriced=False):
    if refused:
        worst = Amounts(usd=price(model, Usage(input_tokens=inp, output_tokens=out)).total_usd, input_tokens=inp,
                        output_tokens=out, calls=1)
        return Entry(seq=seq, nodeid=nodeid, phase="call", api="anthropic", endpoint="messages", request_model=model,
                     response_model=None, usage=None, refused=True, refused_by="test", complete=False,
                     worst=worst, error="token budget of x: call refused before sending")
    if usage_unknown:
        return Entry(seq=seq, nodeid=nodeid, phase="call", api="openai", endpoint="chat", request_model=model,
                     response_model=model, usage=None, status=200, streamed=True, usage_unknown=True,
                     charged=Amounts(usd=None if unpriced else price(model, Usage(input_tokens=inp, output_tokens=out)).total_usd,
                                     input_tokens=inp, output_tokens=out, calls=1))
    u = Usage(input_tokens=inp, output_tokens=out)
    if unpriced:
        return Entry(seq=seq, nodeid=nodeid, phase="call", api="anthropic", endpoint="messages",
                     request_model="mystery-model", response_model="mystery-model", usage=u, status=200,
                     unpriced="unknown model 'mystery-model'", live=live,
                     charged=Amounts(usd=Decimal(0), input_tokens=inp, output_tokens=out, calls=1))
    c = price(model, u)
    return Entry(seq=seq, nodeid=nodeid, phase="call", api="anthropic", endpoint="messages", request_model=model,
                 response_model=model, usage=u, cost=c, status=200, live=live,
                 charged=Amounts(usd=c.total_usd, input_tokens=inp, output_tokens=out, calls=1))


def make_report(tests, *, run_id=None, extra=(), outcomes=None, limits=None):
    """The report model of a run; ``tests``: {nodeid: [entry kwargs, ...]}."""
    entries, seq = [], 0
    for nodeid, calls in tests.items():
        for kw in calls:
            seq += 1
            entries.append(make_entry(seq, nodeid, **kw))
    infos = {n: TestInfo(n, (outcomes or {}).get(n, "passed"), (limits or {}).get(n)) for n in tests}
    return build_report(entries + list(extra), infos, run_id=run_id, catalog_checked="2026-11-24")


@pytest.fixture
def report_factory():
    return make_report


@pytest.fixture
def entry_factory():
    return make_entry


@pytest.fixture(scope="session")
def validate():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    def check(report):
        """The report's JSON (a model is written out first), checked against the shipped schema."""
        data = json.loads(json.dumps(report.to_json() if isinstance(report, Report) else report))
        validator.validate(data)  # as a file would hold it
        return data
    return check


@pytest.fixture
def write(tmp_path):
    def w(name, data):
        p = tmp_path / name
        if isinstance(data, Report):
            data = data.to_json()
        p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(p)
    return w
