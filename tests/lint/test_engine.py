"""Engine behaviour: suppressions, selection, prefilter, notebooks, process pool, cache keys."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths, lint_source
from pytest_tokenbudget.lint.settings import Selection
from pytest_tokenbudget.lint.prefilter import may_contain_calls

CALL = 'client.messages.create(model="claude-sonnet-4-5", max_tokens=50000, messages=[])'
HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"


def codes(src: str, **kw) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in lint_source(HEAD + textwrap.dedent(src), select=["TB2"], **kw)]


@pytest.mark.parametrize(("src", "expected"), [
    (CALL + "\n", [(3, "TB203"), (3, "TB206")]),
    (CALL + "  # tokenbudget: ignore[TB203]\n", [(3, "TB206")]),
    (CALL + "  # tokenbudget: ignore[TB203, TB206]\n", []),
    (CALL + "  # tokenbudget: ignore\n", []),
    (CALL + "  # noqa: TB206\n", [(3, "TB203")]),
    (CALL + "  # noqa\n", []),
    (CALL + "  # noqa: E501\n", [(3, "TB203"), (3, "TB206")]),
    ("# tokenbudget: ignore[TB206]\n" + CALL + "\n", [(4, "TB203")]),
    ("x = 1  # tokenbudget: ignore\n" + CALL + "\n", [(4, "TB203"), (4, "TB206")]),  # trailing, other line
    (CALL + "  # a '# tokenbudget: ignore' inside text is still a comment\n", []),
    ('s = "# tokenbudget: ignore"\n' + CALL + "\n", [(4, "TB203"), (4, "TB206")]),  # in a string: not a comment
    ('client.messages.create(  # tokenbudget: ignore[TB203]\n    model="claude-sonnet-4-5",\n'
     '    max_tokens=50000, messages=[])\n', [(5, "TB206")]),  # on the call's first line
])
def test_suppression_comments(src, expected):
    assert codes(src) == expected


def test_selection_specificity():
    known = ["TB101", "TB102", "TB201", "TB203"]
    sel = Selection(["TB2"], ["TB101"], ["TB203"], known=known)
    assert [c for c in known if sel.enabled(c)] == ["TB101", "TB201"]
    sel = Selection(["TB203"], (), ["TB2"], known=known)
    assert sel.enabled("TB203") and not sel.enabled("TB201")
    sel = Selection(["ALL"], (), ["TB1"], known=known)
    assert [c for c in known if sel.enabled(c)] == ["TB201", "TB203"]
    assert not Selection(None, (), (), known=known).enabled("TB201", extra_ignore=["TB201"])


@pytest.mark.parametrize(("text", "expected"), [
    (b"client.messages.create(model=x)", True),
    (b"client.messages\n    .create(model=x)", True),
    (b"client.beta.messages.with_raw_response.stream(", True),
    (b"c.chat.completions.create(", True),
    (b"m = client.messages\nm.create(model='x')", True),
    (b"print('no calls here')", False),
    (b"self.messages = []\nself.messages.append(x)", False),
    (b"Model.objects.create(x=1)", False),
])
def test_byte_prefilter(text, expected):
    assert may_contain_calls(text) is expected


def test_prefilter_is_sound_for_the_rule_examples():
    """Every INVALID example must pass the prefilter (else the engine would never see it)."""
    import ast

    from pytest_tokenbudget.lint.prefilter import tree_may_contain_calls
    from pytest_tokenbudget.lint.rules.registry import registry

    for cls in registry().values():
        for ex in cls.examples()[1]:
            if cls.KINDS:  # file-level rules (no call sites) are not about calls
                data = textwrap.dedent(ex.code).encode()
                assert may_contain_calls(data) and tree_may_contain_calls(ast.parse(data)), (cls.code, ex.code)


def test_notebook_locations_in_text_output(tmp_path, monkeypatch, capsys):
    from pytest_tokenbudget.cli import main

    monkeypatch.chdir(tmp_path)
    nb = {"cells": [{"cell_type": "code", "source": ["!pip install anthropic\n", "import anthropic\n",
                                                      "c = anthropic.Anthropic()"]},
                    {"cell_type": "markdown", "source": "text"},
                    {"cell_type": "code", "source": ["\n", CALL.replace("client", "c")]}]}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    assert main(["lint", "--no-cache", "--select", "TB203", "nb.ipynb"]) == 1
    assert capsys.readouterr().out.startswith("nb.ipynb:cell 2:2:57: TB203 ")
    assert main(["lint", "--no-cache", "--select", "TB203", "--format", "json", "nb.ipynb"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data[0]["cell"], data[0]["line"]) == (2, 2)


def test_broken_notebook_is_a_parse_error(tmp_path):
    (tmp_path / "bad.ipynb").write_text("{not json")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False))
    assert [(e.kind, e.path.endswith("bad.ipynb")) for e in result.errors] == [("parse", True)]


def test_process_pool_gives_the_same_findings(tmp_path):
    for i in range(10):
        (tmp_path / f"m{i}.py").write_text(HEAD + "\n" * i + CALL + "\n")
    (tmp_path / "broken.py").write_text(HEAD + "client.messages.create(\n")
    serial = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=1))
    pooled = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=2))
    assert serial.parsed == pooled.parsed == 11
    assert [f.as_json() for f in serial.all_findings()] == [f.as_json() for f in pooled.all_findings()]
    by_code = {}
    for f in serial.findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
    assert by_code["TB203"] == by_code["TB206"] == 10


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_the_ast_prefilter_drops_are_not_candidates_in_workers_either(tmp_path, jobs):
    """The workers load what the parent only byte-filtered: a file whose text mentions a call but
    whose code makes none is dropped there, counted nowhere, and remembered as clean by the cache."""
    for i in range(10):
        (tmp_path / f"m{i}.py").write_text(HEAD + "\n" * i + CALL + "\n")
    (tmp_path / "doc.py").write_text('"""Call client.messages.create(model=...) to ask Claude."""\nimport anthropic\n')
    cold = lint_paths([tmp_path], LintSettings(root=tmp_path, jobs=jobs))
    assert (cold.candidates, cold.parsed, cold.cached) == (10, 10, 0)
    assert not any(f.path.endswith("doc.py") for f in cold.all_findings())
    warm = lint_paths([tmp_path], LintSettings(root=tmp_path, jobs=jobs))
    assert (warm.candidates, warm.parsed, warm.cached) == (10, 0, 10)
    assert [f.as_json() for f in warm.findings] == [f.as_json() for f in cold.findings]


def test_a_file_changed_after_the_parent_read_it_is_checked_as_it_is_now_and_not_cached(tmp_path, monkeypatch):
    """Workers read the queued files themselves (the parent drops their bytes before it forks): a file
    edited in between is checked as it is now, and that result is not stored under the digest of
    what the parent read (restoring the old text must bring back the old findings)."""
    from pytest_tokenbudget.lint import engine

    for i in range(10):
        (tmp_path / f"m{i}.py").write_text(HEAD + "\n" * i + CALL + "\n")
    old = (tmp_path / "m0.py").read_text()
    edited = HEAD + CALL.replace("max_tokens=50000", "max_tokens=500") + "\n"  # TB203 and TB206 gone
    real = engine._in_processes

    def edit_then_check(todo, *args):
        (tmp_path / "m0.py").write_text(edited)
        return real(todo, *args)

    monkeypatch.setattr(engine, "_in_processes", edit_then_check)
    cold = lint_paths([tmp_path], LintSettings(root=tmp_path, jobs=2, select=("TB2",)))
    assert not [f for f in cold.findings if f.path.endswith("m0.py")]
    assert len([f for f in cold.findings if f.path.endswith("m1.py")]) == 2
    monkeypatch.setattr(engine, "_in_processes", real)
    (tmp_path / "m0.py").write_text(old)
    warm = lint_paths([tmp_path], LintSettings(root=tmp_path, jobs=2, select=("TB2",)))
    assert sorted(f.code for f in warm.findings if f.path.endswith("m0.py")) == ["TB203", "TB206"]
    assert warm.cached == 9


def test_a_queued_file_gone_before_its_worker_reads_it_is_an_error_not_silence(tmp_path, monkeypatch):
    from pytest_tokenbudget.lint import engine

    for i in range(10):
        (tmp_path / f"m{i}.py").write_text(HEAD + "\n" * i + CALL + "\n")
    real = engine._in_processes

    def delete_then_check(todo, *args):
        (tmp_path / "m3.py").unlink()
        return real(todo, *args)

    monkeypatch.setattr(engine, "_in_processes", delete_then_check)
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, jobs=2))
    assert [(e.kind, Path(e.path).name) for e in result.errors] == [("read", "m3.py")]
    monkeypatch.setattr(engine, "_in_processes", real)
    (tmp_path / "m3.py").write_text(HEAD + "\n" * 3 + CALL + "\n")  # back as it was: checked, not the error
    again = lint_paths([tmp_path], LintSettings(root=tmp_path, jobs=2, select=("TB2",)))
    assert not again.errors and sorted(f.code for f in again.findings if f.path.endswith("m3.py")) == ["TB203", "TB206"]


def test_cache_key_changes_with_rule_options(tmp_path):
    (tmp_path / "a.py").write_text(HEAD + CALL + "\n")
    s1 = LintSettings(root=tmp_path, select=("TB203",))
    assert len(lint_paths([tmp_path], s1).findings) == 1
    s2 = LintSettings(root=tmp_path, select=("TB203",), options={"max-tokens-ceiling": 60000})
    r2 = lint_paths([tmp_path], s2)
    assert r2.findings == [] and r2.cached == 0
    r3 = lint_paths([tmp_path], s1)
    assert r3.cached == 1 and len(r3.findings) == 1
    assert (tmp_path / ".tokenbudget_cache" / ".gitignore").exists()


def test_call_site_default_excludes_and_explicit_files(tmp_path):
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "x.py").write_text(HEAD + CALL + "\n")
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False)).files == 0
    explicit = lint_paths([tmp_path / ".venv" / "x.py"], LintSettings(root=tmp_path, cache=False))
    assert explicit.files == 1 and explicit.findings
    forced = lint_paths([tmp_path / ".venv" / "x.py"], LintSettings(root=tmp_path, cache=False, force_exclude=True))
    assert forced.files == 0


def test_rule_exception_is_reported_not_raised(monkeypatch):
    from pytest_tokenbudget.lint.rules.output import MaxTokensOverCeiling

    def boom(self, call, ctx):
        raise RuntimeError("bug")
        yield

    monkeypatch.setattr(MaxTokensOverCeiling, "check", boom)
    found = lint_source(HEAD + CALL + "\n", select=["TB203"])
    assert len(found) == 1 and "internal error in rule TB203" in found[0].message and found[0].severity == "error"


def test_cache_keeps_results_of_files_not_linted_this_run(tmp_path):
    (tmp_path / "a.py").write_text(HEAD + CALL + "\n")
    (tmp_path / "b.py").write_text(HEAD + "\n" + CALL + "\n")
    s = LintSettings(root=tmp_path, select=("TB203",))
    assert lint_paths([tmp_path / "a.py"], s).cached == 0
    assert lint_paths([tmp_path / "b.py"], s).cached == 0
    again = lint_paths([tmp_path / "a.py"], s)
    assert again.cached == 1 and [f.line for f in again.findings] == [3]
