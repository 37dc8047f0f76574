"""``create`` reached through retry wrappers (tenacity, backoff, a local decorator, a retry helper
handed the method) is still a Claude request, and a retry loop is never a batch candidate. The
project in ``cases/project_retry`` marks each expected TB401 with a trailing comment."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, extract_call_sites, lint_paths

PROJECT = Path(__file__).parent / "cases" / "project_retry"


def _marked() -> set[int]:
    lines = (PROJECT / "llm.py").read_text().splitlines()
    return {i for i, line in enumerate(lines, 1) if re.search(r"#\s*TB401\s*$", line)}


def test_requests_through_retry_wrappers_are_batched_where_a_caller_loops():
    result = lint_paths([PROJECT], LintSettings(root=PROJECT, select=("TB401",), cache=False))
    assert {f.line for f in result.findings} == _marked() and len(_marked()) == 11
    assert all(Path(f.path).name == "llm.py" and "run.py:5" in f.message for f in result.findings)


def test_a_wrapped_method_keeps_the_request_arguments():
    import libcst as cst

    sites = extract_call_sites(cst.parse_module((PROJECT / "llm.py").read_text()))
    assert len(sites) == 14  # the lru_cache'd method is a memoised call, not a retry wrapper
    assert all(s.get("max_tokens") == 300 and not s.open_kwargs for s in sites)
    helper = [s for s in sites if s.context.function in ("through_helper", "through_retrying", "wrapped_method")]
    assert len(helper) == 3 and all("messages" in s.args and "model" in s.args for s in helper)


THREADED = '''
import asyncio
import functools

import anthropic

client = anthropic.Anthropic()


async def to_thread(text):
    return await asyncio.to_thread(client.messages.create, model="claude-3-opus-20240229", max_tokens=150,
                                   messages=[{"role": "user", "content": text}])


async def in_executor(text):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(
        client.messages.create, model="claude-3-opus-20240229", max_tokens=150,
        messages=[{"role": "user", "content": text}]))
'''


def test_a_method_handed_to_a_thread_is_a_request_with_its_arguments(tmp_path):
    # the sync client in async code: asyncio.to_thread(f, **kw), run_in_executor(None, partial(f, **kw))
    import libcst as cst

    sites = extract_call_sites(cst.parse_module(THREADED))
    assert [s.context.function for s in sites] == ["to_thread", "in_executor"]
    assert all(s.client.traced and s.model == "claude-3-opus-20240229" and s.get("max_tokens") == 150 for s in sites)
    (tmp_path / "threaded.py").write_text(THREADED)  # the prefilters keep the file (no .create(...) call in it)
    result = lint_paths([tmp_path / "threaded.py"], LintSettings(root=tmp_path, select=("TB302",), cache=False))
    assert [f.line for f in result.findings] == [11, 18]  # the model= lines


def test_a_request_run_in_a_thread_keeps_its_findings_when_its_callers_are_read(tmp_path):
    """The callers' variants of ``asyncio.to_thread(client.messages.create, ...)`` are read from the
    request's own keywords (the positional method made them look open, and TB501 was dropped)."""
    (tmp_path / "labeller.py").write_text(textwrap.dedent('''
        import asyncio

        import anthropic

        client = anthropic.Anthropic()


        async def label_page(page_text):
            return await asyncio.to_thread(
                client.messages.create, model="claude-haiku-4-5", max_tokens=300,
                messages=[{"role": "user", "content": f"Return ONLY a JSON object with the page's label.\\n\\n{page_text}"}])
    '''))
    (tmp_path / "run.py").write_text("import asyncio\n\nfrom labeller import label_page\n\n\n"
                                     "async def main(pages):\n    return await asyncio.gather(*[label_page(p) for p in pages])\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB501",), cache=False))
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("labeller.py", "TB501")]


def test_a_partial_of_create_called_by_name_is_a_request_with_both_sets_of_arguments(tmp_path):
    """``create = functools.partial(client.messages.create, model=..., system=...)`` then
    ``create(messages=...)``: the request sends the partial's keywords and the call's."""
    import libcst as cst

    source = textwrap.dedent('''
        import functools

        import anthropic

        client = anthropic.Anthropic()
        RULES = "Answer as the style guide says. " * 300
        create = functools.partial(client.messages.create, model="claude-3-5-sonnet-20240620", system=RULES)


        def review(doc):
            return create(max_tokens=400, messages=[{"role": "user", "content": doc}])
    ''')
    sites = extract_call_sites(cst.parse_module(source))
    assert [s.context.function for s in sites] == ["review"]
    assert sites[0].model == "claude-3-5-sonnet-20240620" and sites[0].get("max_tokens") == 400
    assert "system" in sites[0].args and "messages" in sites[0].args
    (tmp_path / "review.py").write_text(source)
    result = lint_paths([tmp_path / "review.py"], LintSettings(root=tmp_path, select=("TB101", "TB302"), cache=False))
    assert sorted(f.code for f in result.findings) == ["TB101", "TB302"]
