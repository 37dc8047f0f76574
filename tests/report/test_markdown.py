"""One Markdown renderer for the job summary and `tokenbudget report --format markdown`; the 1 MB cap."""

from __future__ import annotations

from decimal import Decimal as D

from pytest_tokenbudget.report import baseline as bl
from pytest_tokenbudget.report.render.github import append_step_summary, summary_path
from pytest_tokenbudget.report.render.markdown import MAX_BYTES, render_markdown


def test_markdown_sections(report_factory):
    r = report_factory({"t.py::a": [{}, {"model": "claude-sonnet-4-6"}], "t.py::b|pipe": [{"live": False}],
                        "t.py::c": [{"refused": True}]}, limits={"t.py::a": {"usd": "0.001"}})
    cmp = bl.compare({"t.py::a": (D("0.02"), True)}, bl.Baseline({"t.py::a": bl.BaselineTest(D("0.01"))}, "b.json"))
    md = render_markdown(r, comparison=cmp)
    assert md.startswith("## Token budget\n")
    assert "- **Live spend: $0.006** — 2 calls" in md
    assert "- Mocked/replayed (not live): 1 call, would cost $0.0015 live" in md
    assert "- Refused before sending (nothing was sent): 1 call" in md
    assert "### Per model" in md and "| `claude-sonnet-4-6` | 1 |" in md
    assert "### Tests by cost" in md and "`t.py::b\\|pipe`" in md  # pipes cannot break the table
    assert "### Over budget (1)" in md and "spent $0.006 of a $0.001 budget" in md
    assert "### More expensive than the baseline (1)" in md
    assert "cost $0.02, baseline $0.01 (+100%, allowed +20%)" in md
    assert "prices as of 2026-11-24" in md
    assert len(md.encode()) < 5000


def test_markdown_is_capped_and_says_so(report_factory):
    tests = {f"tests/test_big.py::test_case[{'x' * 150}-{i}]": [{"inp": 10 + i}] for i in range(6000)}
    r = report_factory(tests, limits={n: {"usd": "0.000001"} for n in tests})  # all over budget: a huge table
    full = render_markdown(r, top=0, max_bytes=None)
    assert len(full.encode()) > MAX_BYTES
    md = render_markdown(r, top=0)
    assert len(md.encode()) <= MAX_BYTES
    assert "more rows not shown: the summary is capped at 1,000 kB" in md
    assert md.count("\n| `tests/test_big.py") > 100  # cut down, not emptied
    small = render_markdown(r, top=0, max_bytes=20_000)
    assert len(small.encode()) <= 20_000 and "capped at 20 kB" in small


def test_step_summary_appends_within_what_is_left(tmp_path, report_factory, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    path = summary_path()
    assert path == str(tmp_path / "summary.md")
    (tmp_path / "summary.md").write_text("# earlier step output\n")
    r = report_factory({f"t.py::test_{i}": [{}] for i in range(3000)})
    n = append_step_summary(path, r, top=0, limit=60_000)
    text = (tmp_path / "summary.md").read_text()
    assert text.startswith("# earlier step output\n\n## Token budget")
    assert 0 < n and len(text.encode()) <= 60_000
    # nothing left: nothing appended
    assert append_step_summary(path, r, limit=len(text.encode()) + 10) == 0
    assert summary_path({}) is None
