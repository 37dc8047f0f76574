"""`tokenbudget lint --fix / --diff / --unsafe-fixes / --add-ignore` and TB900 through the CLI."""

from __future__ import annotations

import ast
import textwrap

import pytest

from pytest_tokenbudget.cli import main

SOURCE = textwrap.dedent('''\
    import anthropic

    client = anthropic.Anthropic()
    SYSTEM = """{kb}"""


    def answer(q):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system=SYSTEM,
                                      messages=[{{"role": "user", "content": q}}])


    def urgent(t):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=900,
                                      messages=[{{"role": "user", "content": f"Is this urgent? Answer yes or no. {{t}}"}}])
''').format(kb="Policy line about refunds and invoices and accounts. " * 300)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(SOURCE)
    return tmp_path


def lint(capsys, *argv):
    code = main(["lint", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_shows_the_safe_fix_and_changes_nothing(project, capsys):
    code, out, err = lint(capsys, "--diff", "app.py")
    assert code == 1
    assert '-    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system=SYSTEM,' in out
    assert '"cache_control": {"type": "ephemeral"}' in out
    assert "max_tokens=64" not in out  # TB204's fix is unsafe
    assert "1 fix would change 1 file (1 more with --unsafe-fixes)." in err
    assert (project / "app.py").read_text() == SOURCE


def test_fix_applies_safe_fixes_and_reports_what_is_left(project, capsys):
    code, out, err = lint(capsys, "--fix", "app.py")
    fixed = (project / "app.py").read_text()
    assert '"cache_control": {"type": "ephemeral"}' in fixed and "max_tokens=900" in fixed
    assert "Fixed 1 finding in 1 file (1 more with --unsafe-fixes)." in err
    assert code == 1 and "TB204" in out and "TB101" not in out
    ast.parse(fixed)


def test_unsafe_fixes_then_a_second_fix_changes_nothing(project, capsys):
    lint(capsys, "--fix", "--unsafe-fixes", "app.py")
    once = (project / "app.py").read_text()
    assert "max_tokens=64" in once
    code, out, err = lint(capsys, "--fix", "--unsafe-fixes", "app.py")
    assert (project / "app.py").read_text() == once
    assert "Fixed 0 findings in 0 files." in err
    assert code == 0 and "All checks passed" in out


def test_fix_keeps_a_bom_and_crlf_line_endings(project, capsys):
    raw = b"\xef\xbb\xbf" + SOURCE.replace("\n", "\r\n").encode()
    (project / "app.py").write_bytes(raw)
    lint(capsys, "--fix", "app.py")
    after = (project / "app.py").read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.count(b"\r\n") == raw.count(b"\r\n") and b"cache_control" in after


def test_add_ignore_silences_every_finding_and_tb900_accepts_the_comments(project, capsys):
    code, _, err = lint(capsys, "--add-ignore", "app.py")
    assert code == 0 and "Added 2 ignore comments to 1 file." in err
    text = (project / "app.py").read_text()
    assert "# tokenbudget: ignore[TB101]" in text and "# tokenbudget: ignore[TB204]" in text
    code, out, _ = lint(capsys, "app.py")
    assert code == 0, out


def test_an_unused_ignore_is_tb900_and_fix_removes_it(project, capsys):
    (project / "app.py").write_text(SOURCE + "\nVALUE = 1  # tokenbudget: ignore[TB205]\n")
    code, out, _ = lint(capsys, "--select", "TB900", "app.py")
    assert code == 1 and "TB900 unused suppression of TB205" in out
    lint(capsys, "--fix", "--select", "TB900", "app.py")
    assert (project / "app.py").read_text().endswith("\nVALUE = 1\n")


def test_fix_modes_cannot_be_combined(project, capsys):
    assert lint(capsys, "--fix", "--diff", "app.py")[0] == 2
