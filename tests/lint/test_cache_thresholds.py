"""The thresholds of the caching rules: the estimator margin on each side, and which models a call
whose model is chosen at run time is judged by (analysis.bounds, analysis.plausible_models)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from pytest_tokenbudget.core.tokens import estimator_name
from pytest_tokenbudget.lint.analysis.bounds import clears_minimum, short_of_minimum
from pytest_tokenbudget.lint.api import LintSettings, lint_paths

CHAT = textwrap.dedent('''\
    import anthropic
    from app.config import MODELS

    client = anthropic.Anthropic()
    PROMPT = "Reply in plain text with short paragraphs and no markdown headers. " * 200  # ~2,600 tokens


    def reply(conversation, text):
        return client.messages.create(model=conversation.model, max_tokens=512, system=PROMPT,
                                      messages=[{"role": "user", "content": text}])
''')


def _project(tmp_path: Path, models: list[str], test_models: list[str] = ()) -> list[tuple[str, int]]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'bot'\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "config.py").write_text(f"MODELS = {models!r}\n")
    (app / "chat.py").write_text(CHAT)
    if test_models:
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "test_chat.py").write_text(f"FAKE = {list(test_models)!r}\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    return [(Path(f.path).name, f.line) for f in result.findings]


def test_estimate_must_clear_the_minimum_by_a_margin_and_short_needs_the_margin():
    # cl100k counts below Claude's tokenizers, but within 5% of the minimum is too close to call;
    # the chars/4 fallback errs both ways
    need = math.ceil(1024 * 1.05) if estimator_name().startswith("tiktoken") else math.ceil(1024 * 1.35)
    assert clears_minimum(need, 1024) and not clears_minimum(need - 1, 1024)
    assert short_of_minimum(758, 1024) and not short_of_minimum(759, 1024)  # 759 x 1.35 > 1,024


def test_runtime_model_is_judged_by_the_lowest_minimum_the_code_names(tmp_path):
    # Sonnet 4.6 (1,024) is among the models named: the ~2,600-token prompt caches on its calls
    assert _project(tmp_path, ["claude-sonnet-4-6", "claude-haiku-4-5"]) == [("chat.py", 9)]


def test_runtime_model_among_4096_minimum_models_is_not_flagged(tmp_path):
    assert _project(tmp_path, ["claude-haiku-4-5", "claude-opus-4-6"]) == []


def test_ids_named_only_by_tests_do_not_count(tmp_path):
    assert _project(tmp_path, ["claude-haiku-4-5"], test_models=["claude-sonnet-4-6"]) == []


def test_a_price_table_of_many_models_says_nothing_of_the_model_used(tmp_path):
    table = ["claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-6", "claude-opus-4-5", "claude-opus-4-7",
             "claude-opus-4-8", "claude-sonnet-4-5", "claude-sonnet-5", "claude-opus-5"]
    assert _project(tmp_path, table) == []  # nine models: the catalog's largest minimum (4,096) applies
    (tmp_path / "app" / "config.py").write_text(f"MODELS = {table[:2]!r}\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    assert [(Path(f.path).name, f.line) for f in result.findings] == [("chat.py", 9)]
