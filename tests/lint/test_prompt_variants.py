"""A prompt that is one of several static texts, and a prompt written by a wrapper's callers.

The project in ``cases/project_variants`` marks each expected finding with a trailing ``# TBxxx``
comment; every other call there must stay silent. What it covers:

* TB101 counts the longest candidate of a system prompt read from a dict with a key known only at
  run time (``PERSONAS.get(persona, default)``, ``PERSONAS[persona]``) or returned by a helper with
  several ``return`` branches, as it counts the longest prompt several callers pass: the calls that
  send it pay it in full, and a marker on a shorter one costs nothing. The common prefix of the
  dict's entries survives ``system += notes``; a dict or helper with one short candidate is still a
  finding, unless the argument is pinned (a setting's default) to the short one; a template helper
  called with a pinned argument is the filled-in text (with a per-call argument the static handbook
  after it is TB105); a prompt and a model picked by the same ``a if test else b`` test are judged
  as the pairs that are sent (the long rubric with Haiku 4.5's 4,096 minimum is silent, with Sonnet's
  1,024 a finding), not the longest prompt against the lowest minimum;
* TB102 counts the largest candidate of a marked block: every candidate below the minimum is a
  finding; one candidate above it, or per-call text in the block, keeps it silent;
* TB301 reads the task from what the callers of a wrapper pass when the wrapper rebuilds the
  messages (a loop copying them, the system message picked out): every caller asking for a rating /
  label is a finding (with the wrapper's own neutral system prompt too); a caller asking for an essay,
  messages that cannot be pinned, or a wrapper whose own prompt asks for reasoning keep it silent.
"""

from __future__ import annotations

import re
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

from .marked import line_of, marked, relative

PROJECT = Path(__file__).parent / "cases" / "project_variants"
CODES = ("TB101", "TB102", "TB105", "TB301")


def _lint():
    return lint_paths([PROJECT], LintSettings(root=PROJECT, select=CODES, cache=False))


def test_findings_are_exactly_the_marked_calls():
    result = _lint()
    assert not result.errors
    got = {(relative(f.path, PROJECT), f.line, f.code) for f in result.findings}
    assert got == marked(PROJECT)
    assert len(got) == 13


def test_a_prompt_picked_among_static_texts_is_sized_by_its_longest_candidate():
    by_line = {(relative(f.path, PROJECT), f.line): f for f in _lint().findings}
    helper = by_line[("app/bot.py", line_of(PROJECT, "app/bot.py", "system=system_for(language)"))]
    assert "one of 2 static texts, the longest this long" in helper.message
    # the English and German prompts differ in size: the larger one (German) is what is claimed
    english = by_line[("app/bot.py", line_of(PROJECT, "app/bot.py", "system=greeting_for(settings.bot_language)"))]
    assert helper.properties["prefix_tokens"] == english.properties["prefix_tokens"]
    # one short candidate does not hide the long one
    greeting = by_line[("app/bot.py", line_of(PROJECT, "app/bot.py", "system=greeting_for(language)"))]
    assert greeting.properties["prefix_tokens"] == english.properties["prefix_tokens"]
    keyed = by_line[("app/bot.py", line_of(PROJECT, "app/bot.py", "system=PERSONAS[persona]"))]
    assert "one of 3 static texts" in keyed.message
    # after ``system += live_notes`` only the personas' common start is static
    appended = by_line[("app/bot.py", line_of(PROJECT, "app/bot.py", "system=system,  # TB101"))]
    assert "ends with per-call text" in appended.message


def test_a_model_picked_with_the_prompt_is_still_judged_as_a_choice_of_ids():
    """The pairs decide TB101; a retired id is TB302 only when every id the call may send is
    retired (the reviewer's rule for a choice), so the Sonnet 4.5 / Haiku 4.5 pair stays silent."""
    result = lint_paths([PROJECT], LintSettings(root=PROJECT, select=("TB302",), cache=False))
    retired = {relative(f.path, PROJECT) for f in result.findings}
    assert "app/bot.py" in retired  # (a literal claude-sonnet-4-5: retired on 2026-11-30)
    assert "app/grading.py" not in retired


def test_a_helper_called_with_a_settings_default_returns_the_branch_that_runs():
    by_line = {(relative(f.path, PROJECT), f.line): f for f in _lint().findings}
    configured = by_line[("app/bot.py", line_of(PROJECT, "app/bot.py", "greeting_for(settings.bot_language)"))]
    assert configured.properties["prefix_tokens"] > 2000  # the German prompt, not the short note
    assert "one of" not in configured.message
    assert ("app/bot.py", line_of(PROJECT, "app/bot.py", "greeting_for(settings.fallback_language)")) not in by_line


def test_cache_below_minimum_holds_for_the_largest_candidate():
    by_line = {(relative(f.path, PROJECT), f.line): f for f in _lint().findings}
    small = by_line[("app/bot.py", line_of(PROJECT, "app/bot.py", "small_for(kind),  # TB102"))]
    assert small.properties["prefix_tokens"] < 20 and small.properties["min_cacheable"] == 1024


def test_the_task_of_a_wrapper_is_read_from_every_caller():
    by_line = {(relative(f.path, PROJECT), f.line): f for f in _lint().findings}
    found = by_line[("app/wrapper.py", line_of(PROJECT, "app/wrapper.py", "create(**kwargs)"))]
    assert re.search(r"a rating prompt written by its callers \(\S*app/jobs\.py:\d+, \S*app/jobs\.py:\d+\)",
                     found.message)
    assert "claude-opus-4-6" in found.message


def test_a_prompt_picked_among_whole_static_texts_gets_the_cached_block_fix():
    import textwrap

    from pytest_tokenbudget.lint.api import lint_source
    from pytest_tokenbudget.lint.fixes.edits import apply_fixes

    src = textwrap.dedent('''
        import anthropic
        client = anthropic.Anthropic()
        PROMPTS = {"a": "Policy A clause. " * 400, "b": "Policy B clause. " * 400}
        def ask(kind, q):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=PROMPTS[kind],
                                          messages=[{"role": "user", "content": q}])
        ''')
    found = lint_source(src, select=["TB101"])
    assert [f.code for f in found] == ["TB101"] and "one of 2 static texts" in found[0].message
    fixed = apply_fixes(src, found).source
    assert 'system=[{"type": "text", "text": PROMPTS[kind], "cache_control": {"type": "ephemeral"}}]' in fixed


def test_a_file_block_made_by_a_helper_with_a_return_per_kind_is_per_call_data(tmp_path):
    # oxy-hazop: _file_block() returns an image or a document block; a large static prompt follows it (TB105)
    rules = " ".join(f"Rule {i}: identify every valve, pump, line and instrument tag and its service." for i in range(90))
    src = f'''import anthropic

PROMPT = """Extract HAZOP items. {rules}"""


def _file_block(data, media_type):
    if media_type.startswith("image/"):
        return {{"type": "image", "source": {{"type": "base64", "media_type": media_type, "data": data}}}}
    return {{"type": "document", "source": {{"type": "base64", "media_type": media_type, "data": data}}}}


def extract(file_b64, media_type="image/png"):
    return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[
        {{"role": "user", "content": [_file_block(file_b64, media_type), {{"type": "text", "text": PROMPT}}]}}])
'''
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'hazop'\n")
    (tmp_path / "svc.py").write_text(src)
    (finding,) = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB105",), cache=False)).findings
    assert finding.line == 13 and "static text in message 1 come after per-call data" in finding.message
