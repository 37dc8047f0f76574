"""Autofixes (TB101, TB204, TB205, TB303, TB900), their application, --diff and --add-ignore.

Every fix has a before/after example; each one checks that the result parses, that the rule no
longer fires, and that a second ``--fix`` pass changes nothing.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, default_catalog, lint_bytes, lint_source
from pytest_tokenbudget.lint.api import OPTION_DEFAULTS
from pytest_tokenbudget.lint.fixes.edits import (add_ignores, apply_fixes, fix_until_stable, ignore_plan, parses,
                                           unified_diff)
from pytest_tokenbudget.lint.suppressions import unused_from_records, unused_suppressions
from pytest_tokenbudget.lint.types import Edit, Finding, Fix

SETTINGS = LintSettings(root=Path.cwd(), cache=False)


def _lint(select=None):
    return lambda s: lint_source(s, settings=SETTINGS, select=select)


def _src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# ------------------------------------------------------------------------------ before / after
FIXES = [
    pytest.param("TB205", True, '''
        import anthropic

        client = anthropic.Anthropic()


        class Extractor:
            def answer(self, doc):
                # the answer comes back in tags
                return client.messages.create(
                    model="claude-sonnet-5-5",
                    max_tokens=500,  # plenty
                    messages=[{"role": "user", "content": f"Put the answer inside <answer></answer> tags.\\n{doc}"}],
                )
        ''', '''
        import anthropic

        client = anthropic.Anthropic()


        class Extractor:
            def answer(self, doc):
                # the answer comes back in tags
                return client.messages.create(
                    model="claude-sonnet-5-5",
                    max_tokens=500,  # plenty
                    messages=[{"role": "user", "content": f"Put the answer inside <answer></answer> tags.\\n{doc}"}],
                    stop_sequences=["</answer>"],
                )
        ''', id="TB205-multiline-call"),
    pytest.param("TB205", True, '''
        import anthropic
        client = anthropic.Anthropic()
        def answer(doc):
            return client.messages.create(model='claude-sonnet-5-5', max_tokens=500, messages=[{'role': 'user', 'content': 'Reply inside <answer> tags: ' + doc}])
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        def answer(doc):
            return client.messages.create(model='claude-sonnet-5-5', max_tokens=500, messages=[{'role': 'user', 'content': 'Reply inside <answer> tags: ' + doc}], stop_sequences=['</answer>'])
        ''', id="TB205-one-line-single-quotes"),
    pytest.param("TB205", True, '''
        import anthropic
        client = anthropic.Anthropic()
        def answer(doc):
            return client.messages.create(
                model="claude-sonnet-5-5", max_tokens=500,
                stop_sequences=[
                    "\\n\\nHuman:",
                ],
                messages=[{"role": "user", "content": "Reply inside <answer> tags: " + doc}])
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        def answer(doc):
            return client.messages.create(
                model="claude-sonnet-5-5", max_tokens=500,
                stop_sequences=[
                    "\\n\\nHuman:",
                    "</answer>",
                ],
                messages=[{"role": "user", "content": "Reply inside <answer> tags: " + doc}])
        ''', id="TB205-append-to-list"),
    pytest.param("TB101", False, '''
        import anthropic
        client = anthropic.Anthropic()
        POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400


        def answer(q):
            return client.messages.create(
                model="claude-sonnet-5",
                max_tokens=512,
                system=POLICY,
                messages=[{"role": "user", "content": q}],
            )
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400


        def answer(q):
            return client.messages.create(
                model="claude-sonnet-5",
                max_tokens=512,
                system=[{"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": q}],
            )
        ''', id="TB101-system-constant-to-cached-block"),
    pytest.param("TB101", False, '''
        import anthropic
        client = anthropic.Anthropic()
        def answer(q):
            return client.messages.create(model="claude-sonnet-5", max_tokens=512, system=(
                "Refunds are granted within 30 days of purchase when the widget is unused. "
                "Exchanges are free within 60 days. " * 300
            ), messages=[{"role": "user", "content": q}])
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        def answer(q):
            return client.messages.create(model="claude-sonnet-5", max_tokens=512, system=(
                [{"type": "text", "text": "Refunds are granted within 30 days of purchase when the widget is unused. "
                "Exchanges are free within 60 days. " * 300, "cache_control": {"type": "ephemeral"}}]
            ), messages=[{"role": "user", "content": q}])
        ''', id="TB101-multiline-literal-keeps-its-lines"),
    pytest.param("TB101", True, '''
        import anthropic
        client = anthropic.Anthropic()
        POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400


        def answer(q):
            return client.messages.create(
                model="claude-sonnet-5",
                max_tokens=512,
                system=[{"type": "text", "text": POLICY}],
                messages=[{"role": "user", "content": q}]
            )
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400


        def answer(q):
            return client.messages.create(
                model="claude-sonnet-5",
                max_tokens=512,
                system=[{"type": "text", "text": POLICY}],
                messages=[{"role": "user", "content": q}],
                cache_control={"type": "ephemeral"}
            )
        ''', id="TB101-top-level-cache-control"),
    pytest.param("TB101", True, '''
        import anthropic
        client = anthropic.Anthropic()
        SHOTS = [{"role": "user", "content": "Example question. " * 800}, {"role": "assistant", "content": "Example."}]
        def answer(q):
            return client.messages.create(model="claude-sonnet-5", max_tokens=512, system="Be brief.",
                                          messages=[*SHOTS, {"role": "user", "content": q}])
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        SHOTS = [{"role": "user", "content": "Example question. " * 800}, {"role": "assistant", "content": "Example."}]
        def answer(q):
            return client.messages.create(model="claude-sonnet-5", max_tokens=512, system="Be brief.",
                                          messages=[*SHOTS, {"role": "user", "content": q}],
                                          cache_control={"type": "ephemeral"})
        ''', id="TB101-few-shot-prefix-uses-top-level"),
    pytest.param("TB204", True, '''
        import anthropic
        client = anthropic.Anthropic()
        def is_spam(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=1_024,
                system="Is this message spam? Answer only with yes or no.",
                messages=[{"role": "user", "content": text}])
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        def is_spam(text):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=64,
                system="Is this message spam? Answer only with yes or no.",
                messages=[{"role": "user", "content": text}])
        ''', id="TB204-lower-max-tokens"),
    pytest.param("TB303", False, '''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model='claude-sonnet-4.5', max_tokens=512,  # keep this comment
                                          messages=[{"role": "user", "content": q}])
        ''', '''
        import anthropic
        client = anthropic.Anthropic()
        def ask(q):
            return client.messages.create(model='claude-sonnet-4-5', max_tokens=512,  # keep this comment
                                          messages=[{"role": "user", "content": q}])
        ''', id="TB303-gateway-id"),
]


@pytest.mark.parametrize(("code", "unsafe", "before", "after"), FIXES)
def test_fix_before_after(code, unsafe, before, after):
    before, after = _src(before), _src(after)
    [finding] = lint_source(before, settings=SETTINGS, select=[code])
    assert finding.fix is not None
    assert finding.fix.applicability == ("unsafe" if unsafe else "safe")
    out = fix_until_stable(before, _lint([code]), unsafe=True)
    assert out.source == after, unified_diff(after, out.source, "expected-vs-got")
    assert parses(out.source)
    assert lint_source(out.source, settings=SETTINGS, select=[code]) == []
    again = fix_until_stable(out.source, _lint(), unsafe=True)
    assert again.source == out.source and not again.applied


@pytest.mark.parametrize(("code", "unsafe", "before", "after"), FIXES)
def test_unsafe_fixes_need_the_flag(code, unsafe, before, after):
    before = _src(before)
    out = fix_until_stable(before, _lint([code]))
    if unsafe:
        assert out.source == before and out.unsafe_skipped == 1
    else:
        assert out.source == _src(after)


def test_no_fix_where_the_value_is_not_written_in_the_call():
    src = _src('''
        import anthropic
        client = anthropic.Anthropic()
        LIMIT = 2048
        def is_spam(text, stops=None):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=LIMIT,
                system="Is this message spam? Answer only with yes or no. Put it inside <answer> tags.",
                stop_sequences=["</x>"] + ["</y>"],
                messages=[{"role": "user", "content": text}])
        ''')
    found = lint_source(src, settings=SETTINGS, select=["TB204", "TB205"])
    assert {f.code for f in found} == {"TB204", "TB205"}
    assert all(f.fix is None for f in found)


def test_several_fixes_on_one_call_converge_in_passes():
    src = _src('''
        import anthropic
        client = anthropic.Anthropic()
        def answer(doc):
            return client.messages.create(
                model="claude-haiku-4.5",
                max_tokens=4000,
                messages=[{"role": "user", "content": "Is it valid? Answer yes or no inside <answer> tags.\\n" + doc}],
            )
        ''')
    out = fix_until_stable(src, _lint(), unsafe=True)
    assert {f.code for f in out.applied} == {"TB204", "TB205", "TB303"}
    assert 'model="claude-haiku-4-5"' in out.source and "max_tokens=64," in out.source
    assert 'stop_sequences=["</answer>"],\n    )' in out.source
    assert parses(out.source)
    assert fix_until_stable(out.source, _lint(), unsafe=True).source == out.source


def test_example_app_fixes_parse_and_are_idempotent():
    root = Path(__file__).resolve().parents[2] / "examples" / "support_desk"
    for path in sorted(root.rglob("*.py")):
        src = path.read_text()
        out = fix_until_stable(src, lambda s: lint_source(s, path=str(path), settings=SETTINGS), unsafe=True)
        assert parses(out.source), path
        assert fix_until_stable(out.source, lambda s: lint_source(s, path=str(path), settings=SETTINGS),
                                unsafe=True).source == out.source


# ------------------------------------------------------------------------------ apply_fixes itself
def _finding(line, col, end_line, end_col, content, applicability="safe", code="TB999", cell=None):
    fix = Fix("test", (Edit(line, col, end_line, end_col, content),), applicability)
    return Finding(code, "test", "warning", "x.py", line, col, end_line, end_col, "m", fix=fix, cell=cell)


def test_apply_fixes_replaces_by_position():
    src = "x = 1\ny = 'abc'\n"
    out = apply_fixes(src, [_finding(2, 5, 2, 10, "'xyz'"), _finding(1, 5, 1, 6, "2")])
    assert out.source == "x = 2\ny = 'xyz'\n" and len(out.applied) == 2


def test_apply_fixes_handles_crlf_and_unicode():
    src = "s = 'é'\r\nt = 1\r\n"
    out = apply_fixes(src, [_finding(2, 5, 2, 6, "2")])
    assert out.source == "s = 'é'\r\nt = 2\r\n"


def test_apply_fixes_skips_overlaps_and_unparsable_results():
    src = "x = 1\n"
    out = apply_fixes(src, [_finding(1, 5, 1, 6, "2"), _finding(1, 1, 1, 6, "y = 3")])
    assert out.source == "y = 3\n"  # in source order: the first fix wins, the other waits for the next pass
    assert [why for _, why in out.skipped] == ["overlap"]
    broken = apply_fixes(src, [_finding(1, 5, 1, 6, "(")])
    assert broken.source == src and [why for _, why in broken.skipped] == ["does not parse"]
    mixed = apply_fixes("a = 1\nb = 2\n", [_finding(1, 5, 1, 6, "("), _finding(2, 5, 2, 6, "3")])
    assert mixed.source == "a = 1\nb = 3\n" and len(mixed.applied) == 1


def test_apply_fixes_safety_and_notebook_findings():
    src = "x = 1\n"
    assert apply_fixes(src, [_finding(1, 5, 1, 6, "2", "unsafe")]).source == src
    assert apply_fixes(src, [_finding(1, 5, 1, 6, "2", "unsafe")], unsafe=True).source == "x = 2\n"
    assert apply_fixes(src, [_finding(1, 5, 1, 6, "2", cell=1)]).source == src
    assert apply_fixes(src, [_finding(9, 1, 9, 2, "2")]).skipped[0][1] == "out of range"


def test_unified_diff():
    assert unified_diff("a\n", "a\n", "f.py") == ""
    d = unified_diff("a\nb\n", "a\nc\n", "pkg/f.py")
    assert d.startswith("--- a/pkg/f.py\n+++ b/pkg/f.py\n") and "-b\n+c\n" in d
    assert "\\ No newline at end of file" in unified_diff("a", "b", "f.py")


# ------------------------------------------------------------------------------ --add-ignore
ADOPT = '''
    import anthropic
    client = anthropic.Anthropic()
    POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400
    def answer(q):
        return client.messages.create(model='claude-sonnet-4.5', max_tokens=512, system=POLICY,  # noqa: E501
                                      messages=[{"role": "user", "content": q}])
    def other(q):
        return client.messages.create(model="claude-opus-4-1", max_tokens=512, system="""You are
    a bot. Is this spam? Answer yes or no.""", messages=[{"role": "user", "content": q}])
    def third(q):
        return client.messages.create(model="claude-haiku-4.5", max_tokens=5000, messages=[  # tokenbudget: ignore[TB204]
            {"role": "user", "content": "Is it spam? Answer only with yes or no: " + q}])
    '''


def test_add_ignores_silences_every_finding_and_is_idempotent():
    src = _src(ADOPT)
    findings = lint_source(src, settings=SETTINGS)
    assert {f.code for f in findings} >= {"TB101", "TB303", "TB301", "TB302"}
    new = add_ignores(src, findings)
    assert parses(new)
    assert lint_source(new, settings=SETTINGS) == []
    assert add_ignores(new, lint_source(new, settings=SETTINGS)) == new
    lines = new.splitlines()
    assert lines[4].endswith("# noqa: E501  # tokenbudget: ignore[TB101,TB303]")
    # the call's line ends inside a multi-line string: the comment goes on its own line above
    assert lines[7] == "    # tokenbudget: ignore[TB204,TB301,TB302]"
    # an existing ignore is merged, not duplicated
    assert lines[11].endswith("[  # tokenbudget: ignore[TB204,TB303]")
    # nothing left unused
    everything = lint_source(re.sub(r"# tokenbudget: ignore\[[^\]]*\]", "#", new), settings=SETTINGS)
    assert unused_suppressions(new, everything) == []


def test_add_ignores_leaves_blanket_comments_and_unplaceable_lines():
    f = _finding(1, 1, 1, 2, "")
    assert add_ignores("x = 1  # noqa\n", [f]) == "x = 1  # noqa\n"
    assert add_ignores("x = 1  # tokenbudget: ignore\n", [f]) == "x = 1  # tokenbudget: ignore\n"
    src = 's = """a\nb\nc"""\n'
    inside = _finding(2, 1, 2, 2, "")
    assert add_ignores(src, [_finding(3, 1, 3, 2, "")]) == 's = """a\nb\nc"""  # tokenbudget: ignore[TB999]\n'
    assert ignore_plan(src, [inside]) == {} and add_ignores(src, [inside]) == src
    assert add_ignores("x = 1 + \\\n    2\n", [f]) == "# tokenbudget: ignore[TB999]\nx = 1 + \\\n    2\n"


# ------------------------------------------------------------------------------ TB900
def test_unused_suppressions_partial_and_fix():
    src = _src('''
        import anthropic
        client = anthropic.Anthropic()
        POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400
        def answer(q):
            # tokenbudget: ignore[TB101,TB205]
            return client.messages.create(model="claude-sonnet-5", max_tokens=512, system=POLICY,
                                          messages=[{"role": "user", "content": q}])
        x = 1  # tokenbudget: ignore[TB201]
        y = 2  # noqa: E501,TB202
        z = 3  # noqa: TB202  # tokenbudget: ignore[TB900]
        ''')
    bare = src.replace("# tokenbudget: ignore[TB101,TB205]", "#")
    before = [f for f in lint_source(bare, settings=SETTINGS) if f.code != "TB900"]
    assert [f.code for f in before] == ["TB101"]
    found = unused_suppressions(src, before, path="x.py")
    assert [(f.line, f.properties["unused"]) for f in found] == [(5, ["TB205"]), (8, ["TB201"]), (9, ["TB202"])]
    assert all(f.code == "TB900" and f.path == "x.py" and f.fix.applicability == "safe" for f in found)
    fixed = apply_fixes(src, found).source
    assert "# tokenbudget: ignore[TB101]\n" in fixed
    assert "x = 1\n" in fixed and "y = 2  # noqa: E501\n" in fixed
    assert "z = 3  # noqa: TB202  # tokenbudget: ignore[TB900]" in fixed
    assert unused_suppressions(fixed, before) == []
    assert lint_source(fixed, settings=SETTINGS) == []


def test_unused_suppressions_own_line_comment_is_removed_whole_and_selection_respected():
    src = "# tokenbudget: ignore[TB101]\nx = 1\n"
    [f] = unused_suppressions(src, [])
    assert apply_fixes(src, [f]).source == "x = 1\n"
    assert unused_suppressions(src, [], enabled=lambda code: code != "TB101") == []


def test_unused_from_engine_records():
    src = _src('''
        import anthropic
        client = anthropic.Anthropic()
        POLICY = "Refunds are granted within 30 days of purchase when the widget is unused. " * 400
        def answer(q):
            return client.messages.create(model="claude-sonnet-5", max_tokens=512, system=POLICY,  # tokenbudget: ignore[TB101, TB206]
                                          messages=[{"role": "user", "content": q}])
        x = 1  # tokenbudget: ignore
        ''')
    result = lint_bytes(src.encode(), "x.py", default_catalog(), dict(OPTION_DEFAULTS))
    assert [f for f in result.findings if f.code != "TB900"] == []
    found = unused_from_records(src, result.suppressions, path="x.py")
    assert found == [f for f in result.findings if f.code == "TB900"]  # the engine reports exactly these
    assert [(f.line, f.message.split(":")[0]) for f in found] == [
        (5, "unused suppression of TB206 (no such finding here)"), (7, "this ignore comment suppresses nothing")]
    fixed = apply_fixes(src, found).source
    assert "# tokenbudget: ignore[TB101]\n" in fixed and fixed.endswith("x = 1\n")
    assert ast.parse(fixed)


def test_add_ignores_skips_file_errors_and_tb900():
    src = "x = 1\n"
    errors = [Finding("E999", "syntax-error", "error", "x.py", 1, 1, 1, 1, "m"),
              Finding("TB900", "unused-suppression", "warning", "x.py", 1, 1, 1, 2, "m")]
    assert add_ignores(src, errors) == src


def test_batch_params_get_no_keyword_fix():
    src = _src('''
        import anthropic
        client = anthropic.Anthropic()
        def run(docs):
            return client.messages.batches.create(requests=[
                {"custom_id": "a", "params": {"model": "claude-sonnet-5-5", "max_tokens": 500,
                 "messages": [{"role": "user", "content": "Reply inside <answer> tags."}]}}])
        ''')
    [f] = lint_source(src, settings=SETTINGS, select=["TB205"])
    assert f.fix is None


# ------------------------------------------------------------------------------ properties
from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_PROPERTY_SRC = "def f(a, b):\n    x = [a, b]  # keep\n    return {'k': x, 'n': 10}\n"
_LINES = _PROPERTY_SRC.splitlines()


@st.composite
def _edits(draw):
    line = draw(st.integers(1, len(_LINES)))
    width = len(_LINES[line - 1])
    col = draw(st.integers(1, width + 1))
    end = draw(st.integers(col, width + 1))
    content = draw(st.sampled_from(["", "0", "(", ")", "a", "[1, 2]", "  ", "# c", "\n", "'s'"]))
    safe = draw(st.sampled_from(["safe", "unsafe"]))
    return _finding(line, col, line, end, content, safe)


@hsettings(max_examples=150, deadline=None)
@given(st.lists(_edits(), max_size=6), st.booleans())
def test_apply_fixes_never_breaks_the_file(findings, unsafe):
    out = apply_fixes(_PROPERTY_SRC, findings, unsafe=unsafe)
    assert parses(out.source)
    assert len(out.applied) + len(out.skipped) <= len(findings)
    if not unsafe:
        assert all(f.fix.applicability == "safe" for f in out.applied)
    if not out.applied:
        assert out.source == _PROPERTY_SRC


# ------------------------------------------------------------------------------ README
