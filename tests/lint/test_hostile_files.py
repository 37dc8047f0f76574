"""Hostile files: each gets one clear per-file diagnostic, the rest of the run is linted,
and the exit code is 2 only where the user must act.

Exit codes: 2 = a file that exists could not be read (permissions, I/O) or a named path is
missing; 1 = findings, or a file that was reported instead of checked (does not parse or decode,
too large, too deeply nested, a symlink loop, a FIFO); 0 = clean. Files Python reads fine (a BOM,
a coding line, CRLF, form feeds) are linted like any other.

Every case runs in a tree next to ``good.py`` (one TB203 finding), so "the rest of the run
completes" is checked each time, and once more for all cases together in one run, through the
process pool, with and without the cache, and with ``--fix``.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_tokenbudget.cli import main
from pytest_tokenbudget.lint import source as lint_source_module
from pytest_tokenbudget.lint.source import DecodeError, decode

CALL = ("import anthropic\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-haiku-4-5', max_tokens=50000, messages=[], stream=True)\n")
CLEAN = ("import anthropic\nclient = anthropic.Anthropic()\n"
         "client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[])\n")


def _nb(cells: object) -> bytes:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def make(src: Path) -> None:
        p = src / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    return make


def _symlink_loop(src: Path) -> None:
    os.symlink("loop_b.py", src / "loop_a.py")
    os.symlink("loop_a.py", src / "loop_b.py")


def _dir_loop(src: Path) -> None:
    (src / "pkg").mkdir()
    os.symlink("..", src / "pkg" / "up")


def _dangling(src: Path) -> None:
    os.symlink("gone.py", src / "dangling.py")


def _fifo(src: Path) -> None:
    os.mkfifo(src / "pipe.py")


def _unreadable(src: Path) -> None:
    (src / "secret.py").write_text(CALL)
    (src / "secret.py").chmod(0)


# name, maker, the diagnostic (path: code message-start) or None, exit code when good.py is clean
CASES: list[tuple[str, Callable[[Path], None], str | None, int]] = [
    ("latin1-no-coding-line", _write("latin.py", ("# café\n" + CALL).encode("latin-1")),
     "src/latin.py:1:1: E999 cannot decode: not valid utf-8: byte 0xe9 on line 1; save it as UTF-8", 1),
    ("latin1-with-coding-line", _write("latin.py", ("# -*- coding: latin-1 -*-\n# café\n" + CALL).encode("latin-1")),
     "src/latin.py:5:", 1),  # decoded as declared and linted: the finding is on line 5
    ("cp1252-coding-line", _write("cp.py", ("# vim: set fileencoding=cp1252 :\nX = '’'\n" + CLEAN).encode("cp1252")),
     None, 0),
    ("utf8-bom", _write("bom.py", b"\xef\xbb\xbf" + CALL.encode()), "src/bom.py:3:", 1),
    ("bom-and-latin1-coding-line", _write("bomlat.py", b"\xef\xbb\xbf# coding: latin-1\n" + CALL.encode()),
     "src/bomlat.py:1:1: E999 cannot decode: the file starts with a UTF-8 byte order mark but its coding line", 1),
    ("unknown-coding", _write("klingon.py", b"# -*- coding: klingon -*-\n" + CALL.encode()),
     "src/klingon.py:1:1: E999 cannot decode: unknown encoding: klingon", 1),
    ("declared-coding-mismatch", _write("ascii.py", "# coding: ascii\n# café\n".encode() + CALL.encode()),
     "src/ascii.py:2:1: E999 cannot decode: not valid ascii: byte 0xc3 on line 2; the bytes do not match", 1),
    ("null-byte", _write("nul.py", CALL.encode() + b"x = 'a\x00b'\n"),
     "src/nul.py:4:7: E999 cannot parse: the file contains a NUL byte", 1),
    ("syntax-error", _write("syntax.py", CALL + "def broken(:\n"), "src/syntax.py:4:12: E999 cannot parse: invalid syntax", 1),
    ("unclosed-bracket", _write("unclosed.py", CALL + "x = [1,\n"), "src/unclosed.py:4:5: E999 cannot parse: '[' was never closed", 1),
    ("python2-print", _write("py2.py", CALL + "print 'hello'\n"), "src/py2.py:4:1: E999 cannot parse: Missing parentheses", 1),
    ("tabs-and-spaces", _write("tabs.py", CALL + "if True:\n        x = 1\n\ty = 2\n"),
     "src/tabs.py:6:", 1),
    ("empty-file", _write("empty.py", b""), None, 0),
    ("crlf-and-cr-and-form-feed", _write("eol.py", CLEAN.replace("\n", "\r\n").encode() + b"\x0c\r\nx = 1\ry = 2\r\n"), None, 0),
    ("five-megabyte-file-with-a-call", _write("big.py", CALL + "x = 1\n" * (5 * 1024 * 1024 // 6)),
     "src/big.py:1:1: E902 not analysed: it is 5.0 MB, over the 1.0 MB limit", 1),
    ("five-megabyte-file-without-calls", _write("bigdata.py", "x = 1\n" * (5 * 1024 * 1024 // 6)), None, 0),
    ("notebook-with-5MB-of-outputs", _write("plots.ipynb", _nb([{"cell_type": "code", "source": CALL, "outputs": [
        {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo" * (5 * 1024 * 1024 // 11)}}]}])),
     "src/plots.ipynb:cell 1:3:", 1),  # the limit applies to the code, not to the JSON
    ("deep-but-allowed-nesting", _write("deep_ok.py", CALL + "y = " + "1 + " * 900 + "1\n"), "src/deep_ok.py:3:", 1),
    ("too-deep-for-the-analyser", _write("deep.py", CALL + "y = " + "1 + " * 1500 + "1\n"),
     "src/deep.py:1:1: E999 not analysed: code nested 1503 levels deep (the analyser's limit is 1000)", 1),
    ("too-deep-for-python", _write("deeper.py", CALL + "y = " + "1 + " * 30000 + "1\n"),
     "src/deeper.py:1:1: E999 cannot parse: too deeply nested for Python's parser", 1),
    ("too-many-parentheses", _write("parens.py", CALL + "y = " + "(" * 500 + "1" + ")" * 500 + "\n"),
     "src/parens.py:4:", 1),
    ("nested-call-arguments", _write("nested_args.py", CALL.replace("messages=[]", "messages=[" + "[" * 150 + "]" * 150 + "]")),
     "src/nested_args.py:3:", 1),
    ("notebook-broken-json", _write("broken.ipynb", '{"cells": [{"cell_type": "code", "source": ["client.messages.create('),
     "src/broken.ipynb:1:1: E999 cannot parse notebook: broken JSON: Unterminated string", 1),
    ("notebook-empty-file", _write("untitled.ipynb", b""),
     "src/untitled.ipynb:1:1: E999 cannot parse notebook: the file is empty, and a notebook is JSON with a 'cells' "
     "list (Jupyter cannot open it either): delete it, or save it again from the editor", 1),
    # macOS keeps a file's metadata in an AppleDouble "._" sibling (copied to other disks, in zips'
    # __MACOSX folders): binary, named like the notebook, never code
    ("appledouble-sidecar-of-a-notebook", _write("._agent.ipynb", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "
                                                 + b"\x00" * 20 + b"ATTR com.apple.lastuseddate#PS"), None, 0),
    ("notebook-not-a-notebook", _write("list.ipynb", b'["messages.create"]'),
     "src/list.ipynb:1:1: E999 cannot parse notebook: not a notebook: no 'cells' list", 1),
    ("notebook-cells-null", _write("null.ipynb", json.dumps({"cells": None, "metadata": {"note": CALL}})),
     "src/null.ipynb:1:1: E999 cannot parse notebook: not a notebook: no 'cells' list", 1),
    ("notebook-source-not-text", _write("ints.ipynb", _nb([{"cell_type": "code", "source": [CALL, 5]}])),
     "src/ints.ipynb:1:1: E999 cannot parse notebook: code cell 1: 'source' is not text", 1),
    ("notebook-deep-json", _write("deep.ipynb", b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
     "src/deep.ipynb:1:1: E999 cannot parse notebook: broken JSON: maximum recursion depth", 1),
    ("notebook-syntax-error-in-cell", _write("cellerr.ipynb", _nb([{"cell_type": "code", "source": CALL},
                                                                 {"cell_type": "code", "source": "x = (\n"}])),
     "src/cellerr.ipynb:cell 2:1:5: E999 cannot parse code cell 2: '(' was never closed; the notebook's other "
     "cells are linted", 1),
    ("notebook-null-byte-in-cell", _write("nulcell.ipynb", _nb([{"cell_type": "code", "source": "x = '\x00'\n" + CALL}])),
     "src/nulcell.ipynb:cell 1:1:6: E999 cannot parse code cell 1: the cell contains a NUL byte", 1),
    ("notebook-with-cell-magics", _write("magics.ipynb", _nb([
        {"cell_type": "code", "source": "%%bash\necho hi\nfor f in *; do ls $f; done\n"},
        {"cell_type": "code", "source": CALL.replace("client.messages", "%time r = client.messages") + "files = !ls\n"},
        {"cell_type": "code", "source": "%%time\n" + CALL.splitlines()[-1]}])),
     "src/magics.ipynb:cell 2:3:71: TB203", 1),  # %time keeps its statement (and its columns)
    ("symlink-loop", _symlink_loop, "src/loop_a.py:1:1: E902 skipped: symbolic link loop", 1),
    ("directory-symlink-loop", _dir_loop, "src/pkg/up:1:1: E902 skipped: symbolic link loop (the directory", 1),
    ("dangling-symlink", _dangling, "src/dangling.py:1:1: E902 skipped: dangling symbolic link to gone.py", 1),
    ("fifo-named-py", _fifo, "src/pipe.py:1:1: E902 skipped: not a regular file (a FIFO)", 1),
    ("unreadable-file", _unreadable, "src/secret.py:1:1: E902 cannot read: Permission denied", 2),
]
IDS = [c[0] for c in CASES]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.tokenbudget.lint]\n")
    (tmp_path / "src").mkdir()
    if os.geteuid() == 0:  # root reads mode-000 files: fail the open the way the kernel would for a user
        real_open = os.open

        def guarded(path, flags, *a, **kw):
            if os.path.exists(path) and os.stat(path).st_mode & 0o777 == 0:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *a, **kw)
        monkeypatch.setattr(lint_source_module.os, "open", guarded)
    return tmp_path


def _lint(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(["lint", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.mark.parametrize(("name", "make", "diagnostic", "alone_rc"), CASES, ids=IDS)
def test_hostile_file_gets_a_diagnostic_and_the_run_completes(tree, capsys, name, make, diagnostic, alone_rc):
    make(tree / "src")
    (tree / "src" / "good.py").write_text(CALL)
    started = time.monotonic()
    rc, out, err = _lint(capsys, "--no-cache", "src")
    assert time.monotonic() - started < 20, "one hostile file must not stall the run"
    assert "Traceback" not in out + err and "internal error" not in out
    assert "src/good.py:3:" in out and "TB203" in out, out  # the rest of the run was linted
    lines = out.splitlines()
    if diagnostic is not None:
        assert any(line.startswith(diagnostic) for line in lines), out
    diagnosed = [ln.split(":", 1)[0] for ln in lines if ": E999 " in ln or ": E902 " in ln]
    assert len(diagnosed) == len(set(diagnosed)), "one diagnostic per file"
    assert rc == max(alone_rc, 1)  # good.py has a finding
    (tree / "src" / "good.py").write_text(CLEAN)
    rc, out, _ = _lint(capsys, "--no-cache", "src")
    assert rc == alone_rc, out


def test_all_hostile_files_in_one_run_pool_cache_and_fix(tree, capsys):
    """Every fault in one tree, through the process pool: the same diagnostics cold, warm from the
    cache, and after --fix (which must leave every file it rewrote parseable)."""
    src = tree / "src"
    for name, make, _, _ in CASES:
        sub = src / name
        sub.mkdir()
        make(sub)
    (src / "good.py").write_text(CALL)
    cold = _lint(capsys, "--jobs", "2", "src")
    warm = _lint(capsys, "--jobs", "2", "src")
    assert cold[0] == warm[0] == 2  # the unreadable file
    strip = [ln for ln in cold[1].splitlines()[:-1]]
    assert strip == warm[1].splitlines()[:-1]
    assert "from cache" in warm[1].splitlines()[-1]
    expected = [(n, d) for n, _, d, _ in CASES if d is not None]
    for name, diag in expected:
        assert any(ln.startswith(diag.replace("src/", f"src/{name}/", 1)) for ln in strip), (name, diag)
    fixed = _lint(capsys, "--fix", "--jobs", "2", "src")
    assert fixed[0] == 2 and "Traceback" not in fixed[1] + fixed[2]
    from pytest_tokenbudget.lint.fixes.edits import parses
    for p in src.rglob("*.py"):
        if p.is_file() and not p.is_symlink() and os.access(p, os.R_OK) and p.stat().st_mode & 0o777:
            data = p.read_bytes()
            try:
                text = decode(data)
            except DecodeError:  # undecodable: --fix leaves it alone
                continue
            if p.name in ("good.py",):
                assert parses(text)


def test_missing_named_path_is_a_read_error(tree, capsys):
    (tree / "src" / "good.py").write_text(CLEAN)
    rc, out, _ = _lint(capsys, "--no-cache", "src/good.py", "src/nope.py")
    assert rc == 2 and "src/nope.py:1:1: E902 cannot read: No such file or directory" in out


def test_max_file_size_option(tree, capsys):
    (tree / "src" / "good.py").write_text(CALL + "# padding\n" * 200)
    rc, out, _ = _lint(capsys, "--no-cache", "--max-file-size", "1k", "src")
    assert rc == 1 and "E902 not analysed: it is 2 kB, over the 1 kB limit" in out
    rc, out, _ = _lint(capsys, "--no-cache", "--max-file-size", "0", "src")
    assert rc == 1 and "TB203" in out and "E902" not in out
    with pytest.raises(SystemExit):
        main(["lint", "--max-file-size", "lots", "src"])


def test_diagnostics_in_every_format(tree, capsys):
    """The per-file diagnostics are findings in json / github / sarif too (severity: skip = warning)."""
    _symlink_loop(tree / "src")
    (tree / "src" / "bad.py").write_text(CALL + "def (:\n")
    (tree / "src" / "good.py").write_text(CLEAN)
    _, out, _ = _lint(capsys, "--no-cache", "--format", "json", "src")
    data = {d["path"]: d for d in json.loads(out)}
    assert data["src/loop_a.py"]["code"] == "E902" and data["src/loop_a.py"]["severity"] == "warning"
    assert data["src/bad.py"]["code"] == "E999" and data["src/bad.py"]["severity"] == "error"
    _, out, _ = _lint(capsys, "--no-cache", "--format", "github", "src")
    assert "::warning file=src/loop_a.py," in out and "::error file=src/bad.py," in out
    _, out, _ = _lint(capsys, "--no-cache", "--format", "sarif", "src")
    results = json.loads(out)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"E902", "E999"}


def test_an_analyser_bug_is_a_diagnostic_on_that_file_not_a_crash(tree, capsys, monkeypatch):
    from pytest_tokenbudget.lint.analysis import callsites

    real = callsites.extract_call_sites

    def flaky(module, **kw):
        if kw.get("path", "").endswith("boom.py"):
            raise AttributeError("'ListComp' object has no attribute 'body'")
        return real(module, **kw)
    monkeypatch.setattr(callsites, "extract_call_sites", flaky)
    (tree / "src" / "boom.py").write_text(CALL)
    (tree / "src" / "good.py").write_text(CALL)
    rc, out, err = _lint(capsys, "--no-cache", "src")
    assert rc == 1 and "Traceback" not in out + err and "src/good.py:3:" in out
    assert ("src/boom.py:1:1: E999 not analysed: internal error AttributeError: 'ListComp' object has no attribute "
            "'body' (please report this)") in out


ODD_BREAKS = ("import anthropic\nclient = anthropic.Anthropic()\nS = 'a\u2028b\x0cc\x1cd\x85'  # not line breaks\n"
              "if True:\n    # noqa: TB203\n    client.messages.create(model='claude-haiku-4-5', max_tokens=50000,"
              " messages=[], stream=True)  # noqa: TB999\n"
              "client.messages.create(model='claude-haiku-4-5', max_tokens=40000, messages=[], stream=True)\n")


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_breaks_and_splitlines_separators_in_strings(eol):
    """Found by fuzzing: a lone CR, or \\f / \\u2028 inside a string, shifted the suppression and
    TB900 line numbers (str.splitlines / tokenize without universal newlines), and TB900 raised
    IndexError. Every variant now gives the same findings, suppressions and fixes."""
    from pytest_tokenbudget.lint.api import lint_source
    from pytest_tokenbudget.lint.fixes.edits import apply_fixes, parses

    src = ODD_BREAKS.replace("\n", eol)
    findings = lint_source(src, select=["ALL"])
    assert [(f.code, f.line, f.column) for f in findings] == [("TB900", 6, 99), ("TB203", 7, 61)]
    fixed = apply_fixes(src, findings).source
    assert parses(fixed) and "# noqa: TB999" not in fixed and fixed.count(eol) == src.count(eol)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_file_names_that_are_not_utf8_or_carry_separators(tree, capsys, monkeypatch):
    """A non-UTF-8 file name crashed -o FILE (and a strict stdout) with UnicodeEncodeError."""
    import io
    import sys

    names = [b"\xff\xfe.py", b"new\nline.py", b"a:b,c%d.py"]
    for name in names:
        (Path(os.fsdecode(b"src/" + name))).write_text(CALL)
    rc = main(["lint", "--no-cache", "-o", "report.txt", "src"])
    assert rc == 1
    report = (tree / "report.txt").read_bytes()
    assert report.count(b": TB203 ") == 3 and b"src/\xff\xfe.py:3:61" in report  # the name's own bytes
    strict = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    original = sys.stdout
    monkeypatch.setattr(sys, "stdout", strict)
    assert main(["lint", "--no-cache", "src"]) == 1
    strict.flush()
    out = strict.buffer.getvalue().decode()
    assert "src/\ufffd\ufffd.py:3:61: TB203" in out
    monkeypatch.setattr(sys, "stdout", original)
    rc, out, _ = _lint(capsys, "--no-cache", "--format", "github", "src")
    assert "file=src/new%0Aline.py," in out and "file=src/a%3Ab%2Cc%25d.py," in out


@pytest.mark.parametrize("expr", ["x" + ".a" * 980, "lambda: " * 980 + "1", "1 if x else " * 980 + "1"],
                         ids=["attribute-chain", "lambda-chain", "conditional-chain"])
def test_deep_but_compilable_expressions_are_analysed(expr):
    """Nesting just under the limit, of kinds the analyser recurses through differently: analysed on
    the deep-stack retry (no RecursionError, no crash), with the findings of the call."""
    from pytest_tokenbudget.lint.api import lint_source

    src = ("import anthropic\nclient = anthropic.Anthropic()\nx = None\n"
           f"client.messages.create(model='claude-haiku-4-5', max_tokens=50000, stream=True, system={expr}, messages=[])\n")
    assert [f.code for f in lint_source(src)] == ["TB203"]


def test_estimate_shares_decoding_and_discovery_safely(tree, capsys):
    """`tokenbudget estimate` reuses the lint pipeline's decoding and discovery: an undecodable file is an error
    line (not a traceback), and a FIFO found in a walk is never opened (it would block)."""
    src = tree / "src"
    _write("klingon.py", b"# -*- coding: klingon -*-\n" + CALL.encode())(src)
    _fifo(src)
    (src / "good.py").write_text(CALL)
    rc = main(["estimate", "src"])
    out = capsys.readouterr().out
    assert rc == 0 and "src/good.py:3" in out
    assert "src/klingon.py: cannot decode: unknown encoding: klingon" in out and "pipe.py" not in out


MIXED_INDENT = ("import anthropic\nclient = anthropic.Anthropic()\n\n\ndef encode(path):\n"
                "  \twith open(path) as f:\n            return f.read()\n\n\n"  # a tab to column 8, then 12 spaces
                "def ask(q):\n    return client.messages.create(model='claude-sonnet-5-5', max_tokens=500, messages=[\n"
                "        {'role': 'user', 'content': f'Put the answer inside <answer></answer> tags.\\n{q}'}])\n")


def test_indentation_python_reads_with_tabs_as_eight_columns_is_analysed_without_fixes():
    """Found in round 30's held-out repositories: Python compiles ``"  \\t"`` then twelve spaces as one
    block (a tab advances to column 8); libcst's tokenizer rejected it (E999), losing the file's
    findings. It is parsed again with those tabs expanded: same lines, and no fix (columns moved)."""
    from pytest_tokenbudget.lint.api import lint_source

    compile(MIXED_INDENT, "mixed.py", "exec")  # valid Python
    findings = lint_source(MIXED_INDENT)
    assert ("TB205", 11) in {(f.code, f.line) for f in findings}
    assert not [f for f in findings if f.code == "E999"] and all(f.fix is None for f in findings)
    spaced = lint_source(MIXED_INDENT.replace("  \t", "        "))
    assert any(f.code == "TB205" and f.fix is not None for f in spaced)  # the same call, fixable when spaced
