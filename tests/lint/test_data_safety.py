"""The linter's share of data safety and secrets.

* The lint cache survives a process killed mid-save (atomic writes: the previous file stays
  whole), and a corrupt cache file is discarded with a notice on stderr, then rebuilt.
* A key-shaped string literal in linted source is never copied into a finding's message or
  properties, nor into the cache. Decision: the only outputs that may show it are the user's own
  source text: a fix's replacement text (JSON ``fix.edits[].content``) and ``--diff``, which
  rewrite the user's own lines. Findings whose fix would carry one still work in-process, but the
  file's results are not cached.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.cli import main
from pytest_tokenbudget.core.text import redact as redact_secrets
from pytest_tokenbudget.lint.api import lint_source

CALL = ("import anthropic\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-haiku-4-5', max_tokens=50000, messages=[], stream=True)\n")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.tokenbudget.lint]\n")
    (tmp_path / "src").mkdir()
    for i in range(3):
        (tmp_path / "src" / f"m{i}.py").write_text(CALL)
    return tmp_path


def _cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".tokenbudget_cache").rglob("*.json"))


def _lint(capsys, *args):
    rc = main(["lint", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.mark.parametrize("garbage", [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2]", b"{\"a\": " * 5])
def test_corrupt_cache_file_is_discarded_with_a_notice(tree, capsys, garbage):
    rc, cold, _ = _lint(capsys, "src")
    files = _cache_files(tree)
    assert rc == 1 and [p.name for p in files][-1] == "stat.json" and len(files) == 2
    for p in files:
        p.write_bytes(garbage)
    rc, out, err = _lint(capsys, "src")
    assert rc == 1 and out == cold
    assert err.count("tokenbudget lint: discarded ") == 2 and "it is rebuilt" in err
    for p in files:  # rebuilt, valid again
        assert isinstance(json.loads(p.read_text()), dict)
    rc, out, err = _lint(capsys, "src")
    assert err == "" and "3 from cache" in out


_KILLER = textwrap.dedent("""\
    import os, signal, sys
    from pytest_tokenbudget.lint import cache
    real_write = cache.atomic_write
    def dying(path, text):
        if path.name.startswith(sys.argv[1]):
            # half the new content is on disk in the temp file: die before the rename
            import tempfile
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.write(fd, text[: len(text) // 2].encode())
            os.kill(os.getpid(), signal.SIGKILL)
        real_write(path, text)
    cache.atomic_write = dying
    from pytest_tokenbudget.cli import main
    sys.exit(main(["lint", "src"]))
""")


@pytest.mark.parametrize("victim", ["stat", "results"])
def test_cache_survives_a_process_killed_mid_save(tree, capsys, victim):
    rc, cold, _ = _lint(capsys, "src")
    before = {p: p.read_bytes() for p in _cache_files(tree)}
    (tree / "src" / "m0.py").write_text(CALL.replace("50000", "40000"))  # something to re-save
    proc = subprocess.run([sys.executable, "-c", _KILLER, victim], cwd=tree, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL
    for p, data in before.items():
        if p.name.startswith(victim):
            assert p.read_bytes() == data  # the old file, whole: the rename never happened
        json.loads(p.read_text())  # every cache file parses
    assert list((tree / ".tokenbudget_cache").rglob(".*.tmp"))  # the killed writer's litter
    rc, out, err = _lint(capsys, "src")
    assert err == "" and rc == 1 and "m0.py:3:61: TB203 max_tokens=40,000" in out
    assert out.splitlines()[:-1] == _lint(capsys, "--no-cache", "src")[1].splitlines()[:-1]


def test_stale_temp_files_are_removed(tree, capsys):
    _lint(capsys, "src")
    folder = _cache_files(tree)[0].parent
    stale, fresh = folder / ".stat.json.abc.tmp", folder / ".stat.json.def.tmp"
    stale.write_text("{")
    fresh.write_text("{")
    os.utime(stale, (1, 1))
    (tree / "src" / "m1.py").write_text(CALL.replace("50000", "500"))  # something to save
    _lint(capsys, "src")
    assert not stale.exists() and fresh.exists()  # a concurrent writer's temp file is left alone


KEY = "sk-ant-api03-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm-AbCdEfGhIjKl_mN0pQ"
GENERIC = "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNmQ"
LEAKY = textwrap.dedent(f"""\
    import anthropic
    KEY = "{KEY}"
    client = anthropic.Anthropic(api_key="{KEY}")
    def ask(q):
        return client.messages.create(
            model="{KEY}", max_tokens=50000,
            system="You are a bot. Key: {KEY} " * 400,
            stop_sequences=["{KEY}"],
            extra_headers={{"x-api-key": KEY, "authorization": f"Bearer {{KEY}}"}},
            messages=[{{"role": "user", "content": "Answer in <{KEY}> tags then <{GENERIC}>" + q}}])
    for q in ["a", "b"]:
        client.messages.create(model="{GENERIC}", max_tokens=10, messages=[{{"role": "user", "content": KEY + q}}])
""")


def _outside_fix_edits(obj, inside=False):
    """Every string of a JSON document that is not a fix's replacement text."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _outside_fix_edits(v, inside or k == "edits")
    elif isinstance(obj, list):
        for v in obj:
            yield from _outside_fix_edits(v, inside)
    elif isinstance(obj, str) and not inside:
        yield obj


def test_key_literals_never_reach_findings_outputs_or_cache(tree, capsys):
    (tree / "src" / "leaky.py").write_text(LEAKY)
    (tree / "pyproject.toml").write_text("[tool.tokenbudget.lint]\nselect = ['ALL']\n")
    outputs = {}
    for fmt in ("text", "json", "github", "sarif"):
        rc, outputs[fmt], err = _lint(capsys, "--format", fmt, "src")
        assert rc == 1 and KEY not in err
    _, outputs["statistics"], _ = _lint(capsys, "--statistics", "src")
    assert "[redacted key]" in outputs["text"]  # the unknown-model messages would have quoted it
    for fmt in ("text", "github", "statistics"):
        assert KEY not in outputs[fmt] and GENERIC not in outputs[fmt], fmt
    for fmt in ("json", "sarif"):
        strings = list(_outside_fix_edits(json.loads(outputs[fmt])))
        assert not [s for s in strings if KEY in s or GENERIC in s], fmt
    assert KEY in outputs["json"]  # ... inside a fix's replacement text: the user's own source, kept
    for p in (tree / ".tokenbudget_cache").rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert KEY.encode() not in data and GENERIC.encode() not in data, p
    # the findings themselves (in-process API) are redacted too, fixes still carry the source
    findings = lint_source(LEAKY, select=["ALL"])
    assert findings and not [f for f in findings if KEY in f.message or KEY in json.dumps(f.properties)]


@pytest.mark.parametrize(("text", "redacted"), [
    (f"model {KEY}: unknown", "model [redacted key]: unknown"),
    ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "[redacted key]"),
    ("AKIAIOSFODNN7EXAMPLE and ghp_abcdefghijklmnopqrstuvwxyz0123", "[redacted key] and [redacted key]"),
    (f"<{GENERIC}>", "<[redacted key]>"),
    ("claude-sonnet-4-5-20250929 is deprecated", "claude-sonnet-4-5-20250929 is deprecated"),
    ("tokens_of_the_static_prompt_are_re_sent_uncached", "tokens_of_the_static_prompt_are_re_sent_uncached"),
    ("0123456789abcdef0123456789abcdef0123", "0123456789abcdef0123456789abcdef0123"),  # a hash: no upper case
    (["x", {"k": KEY}], ["x", {"k": "[redacted key]"}]),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "[redacted key]"),  # an AWS secret key: base64 with '/'
    ("Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXc_VbNm-Q", "[redacted key]"),  # URL-safe
    ("caller snapshots/87Albert87+telegram-claude-bot/moltbook_agent.py:36",  # a path, not a key
     "caller snapshots/87Albert87+telegram-claude-bot/moltbook_agent.py:36"),
    ("passed by /work/scratch/snapshots/Luna74217+claude-chatbot11/backend/llm_analyzer.py:54",  # an absolute path
     "passed by /work/scratch/snapshots/Luna74217+claude-chatbot11/backend/llm_analyzer.py:54"),
    ("loop at /work/scratch/snapshots/Capadonna1982+PokerAssistant/bluff_detector.py:644",  # the run left
     "loop at /work/scratch/snapshots/Capadonna1982+PokerAssistant/bluff_detector.py:644"),  # after 'work/'
    ("loop at snapshots/abhijitcgatechiitg+PayrollLLMExtractor2/src/main.py:75",  # one word, then the repo
     "loop at snapshots/abhijitcgatechiitg+PayrollLLMExtractor2/src/main.py:75"),
    ("key=AbCdEfGh12/IjKlMnOp34/QrStUvWx56+YzAbCdEf78", "key=[redacted key]"),  # slashes, but no words between
    (42, 42),
])
def test_redact_secrets(text, redacted):
    assert redact_secrets(text) == redacted


def test_internal_error_messages_do_not_echo_keys(monkeypatch):
    """An exception's text may quote a value from the source (KeyError('sk-ant-...')): redacted."""
    from pytest_tokenbudget.lint.analysis import callsites

    def boom(module, **kw):
        raise KeyError(KEY)
    monkeypatch.setattr(callsites, "extract_call_sites", boom)
    (finding,) = lint_source(CALL)
    assert finding.code == "E999" and "internal error KeyError" in finding.message and KEY not in finding.message
