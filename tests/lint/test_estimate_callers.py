"""``tokenbudget estimate`` prices a wrapper from what its callers pass (lint/estimate/callers.py):
the worst case is the dearest caller's request, the best case the cheapest caller's, and a caller
whose request cannot be priced makes the worst case a lower bound and is named."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pytest_tokenbudget.core.catalog import shipped_catalog
from pytest_tokenbudget.lint.api import LintSettings, estimate_paths
from pytest_tokenbudget.lint.estimate.callers import over_callers
from pytest_tokenbudget.lint.estimate.sites import Figure, SiteEstimate

WRAPPER = '''import anthropic

client = anthropic.Anthropic()
POLICY = "Refunds within thirty days; exchanges within sixty; receipts required. " * 120
SHORT = "Answer in one line."


def ask(system, question, model="claude-sonnet-4-5"):
    return client.messages.create(model=model, max_tokens=300, system=system,
                                  messages=[{"role": "user", "content": "Question"}])


def policy_desk(question):
    return ask(POLICY, question)


def quick_desk(question):
    return ask(SHORT, question, model="claude-haiku-4-5")
'''

DIRECT = '''import anthropic

client = anthropic.Anthropic()
POLICY = "Refunds within thirty days; exchanges within sixty; receipts required. " * 120
SHORT = "Answer in one line."


def policy_desk(question):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=300, system=POLICY,
                                  messages=[{"role": "user", "content": "Question"}])


def quick_desk(question):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300, system=SHORT,
                                  messages=[{"role": "user", "content": "Question"}])
'''


def _sites(tmp_path: Path, name: str, text: str) -> list[SiteEstimate]:
    root = tmp_path / name
    root.mkdir()
    (root / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
    (root / "app.py").write_text(text)
    settings = LintSettings(root=root, cache=False, catalog=shipped_catalog())
    return estimate_paths([str(root)], settings, calls_per_day=None).sites


def test_a_wrapper_costs_what_its_dearest_and_cheapest_callers_send(tmp_path: Path):
    [wrapper] = _sites(tmp_path, "wrapper", WRAPPER)
    direct = {s.function: s for s in _sites(tmp_path, "direct", DIRECT)}
    assert wrapper.worst == direct["policy_desk"].worst and not wrapper.worst.lower_bound
    assert wrapper.best == direct["quick_desk"].best
    assert wrapper.model_id == direct["policy_desk"].model_id and wrapper.input_tokens == direct["policy_desk"].input_tokens
    assert any("priced from what 2 callers pass (" in n for n in wrapper.notes)


def test_a_caller_whose_request_cannot_be_priced_is_named(tmp_path: Path):
    text = WRAPPER + '\n\ndef odd_desk(question):\n    return ask(POLICY, question, model="claude-made-up-9")\n'
    [wrapper] = _sites(tmp_path, "odd", text)
    direct = {s.function: s for s in _sites(tmp_path, "direct", DIRECT)}
    assert wrapper.worst.usd == direct["policy_desk"].worst.usd and wrapper.worst.lower_bound
    line = text.splitlines().index('    return ask(POLICY, question, model="claude-made-up-9")') + 1
    [named] = [u for u in wrapper.unknowns if u.startswith("caller ")]
    assert named.split(": ")[0].endswith(f"odd/app.py:{line}") and "'claude-made-up-9' is not in the catalog" in named


def test_without_a_priced_caller_the_site_stands_alone():
    own = SiteEstimate(path="a.py", line=3, column=0, api="messages.create", function="ask", batch=False,
                       model=None, model_id=None, input_tokens=0, input_lower_bound=True, cached_tokens=0,
                       max_tokens=300, best=Figure(None, False, "model unknown"), worst=Figure(None, False, "x"))
    unpriced = (own, "b.py:9")
    assert over_callers(own, [unpriced]) is own


def test_a_warm_estimate_follows_a_caller_that_changed(tmp_path: Path):
    root = tmp_path / "warm"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'warm'\n")
    (root / "client.py").write_text(WRAPPER.split("\n\ndef policy_desk")[0] + "\n")
    (root / "desk.py").write_text("from client import POLICY, ask\n\n\ndef desk(q):\n    return ask(POLICY, q)\n")
    settings = LintSettings(root=root, cache=True, cache_dir=tmp_path / "cache", catalog=shipped_catalog())
    [first] = estimate_paths([str(root)], settings, calls_per_day=None).sites
    (root / "desk.py").write_text("from client import SHORT, ask\n\n\ndef desk(q):\n    return ask(SHORT, q)\n")
    [second] = estimate_paths([str(root)], settings, calls_per_day=None).sites  # client.py did not change
    assert second.worst.usd < first.worst.usd and second.input_tokens < first.input_tokens


def test_unpriced_callers_still_size_the_input():
    """A model-fallback wrapper picks the model at run time: no caller's request has a price, but the
    largest caller's prompt is what the site sends (a lower bound), not the wrapper's ~0."""
    own = SiteEstimate(path="a.py", line=3, column=0, api="messages.create", function="ask", batch=False,
                       model=None, model_id=None, input_tokens=0, input_lower_bound=True, cached_tokens=0,
                       max_tokens=300, best=Figure(None, False, "model unknown"), worst=Figure(None, False, "x"))
    small = dataclasses.replace(own, input_tokens=40, unknowns=("model is not resolved",))
    large = dataclasses.replace(own, input_tokens=5_200, unknowns=("model is not resolved",))
    got = over_callers(own, [(small, "b.py:9"), (large, "c.py:12")])
    assert (got.input_tokens, got.input_lower_bound, got.worst.usd, got.line) == (5_200, True, None, 3)
    assert any(n.startswith("input from what its caller passes (c.py:12)") for n in got.notes)
