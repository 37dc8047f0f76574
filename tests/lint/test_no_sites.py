"""Files whose ast shows no Claude request skip the libcst parse, with the same result."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.core.catalog import shipped_catalog
from pytest_tokenbudget.lint.analysis.callsites import extract_call_sites
from pytest_tokenbudget.lint.api import LintSettings, lint_paths, lint_source
from pytest_tokenbudget.lint.no_sites import cannot_hold_sites

OPENAI = "from openai import OpenAI\nclient = OpenAI()\n"
CASES = Path(__file__).parent / "cases"


def skips(src: str, catalog=None) -> bool:
    text = textwrap.dedent(src)
    return cannot_hold_sites(ast.parse(text), text, catalog or shipped_catalog())


@pytest.mark.parametrize("src", [
    OPENAI + 'r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])\n',
    OPENAI + 'r = client.beta.chat.completions.parse(model="gemini-2.0-flash", messages=m, response_format=F)\n',
    OPENAI + 'self.messages.append(m)\nr = client.chat.completions.create(model="llama3-70b", messages=self.messages)\n',
    OPENAI + 'import urllib.parse\nurllib.parse.quote(x)\nMODELS.objects.filter(a=1)\n'
             'r = client.chat.completions.create(model="gpt-4o-mini", messages=m)\n',
])
def test_calls_to_other_vendors_models_skip_the_parse(src):
    assert skips(src)


@pytest.mark.parametrize("src", [
    OPENAI + 'r = client.chat.completions.create(model="claude-sonnet-4-5", messages=m)\n',  # a gateway to Claude
    OPENAI + 'r = client.chat.completions.create(model=MODEL, messages=m)\n',  # resolved elsewhere
    OPENAI + 'r = client.chat.completions.create(model="openrouter/auto", messages=m)\n',  # not plainly another vendor
    OPENAI + 'r = client.chat.completions.create(model="gpt-4o", **params)\n',  # params may hold another model
    OPENAI + 'r = client.chat.completions.create(model="gpt-4o", messages=m)\nc.messages.create(model=M, messages=m)\n',
    OPENAI + 'r = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=m)\n',
    OPENAI + 'create = client.chat.completions.create\nr = create(model="gpt-4o", messages=m)\n',  # an alias
    OPENAI + 'r = call_with_retry(client.chat.completions.create, model="gpt-4o", messages=m)\n',  # a wrapper
    OPENAI + '# the Anthropic gateway\nr = client.chat.completions.create(model="gpt-4o", messages=m)\n',
    'import os\nr = os.path.join("a", "b")\n',  # no request at all: left to the extraction
])
def test_anything_that_may_be_a_claude_request_is_parsed(src):
    assert not skips(src)


def test_a_model_the_users_catalog_prices_is_parsed(tmp_path):
    from pytest_tokenbudget.core.config import get_catalog

    (tmp_path / "pyproject.toml").write_text(
        '[tool.tokenbudget.models."gpt-4o-gateway"]\ninput = 3.0\noutput = 15.0\n')
    catalog = get_catalog(tmp_path)
    src = OPENAI + 'r = client.chat.completions.create(model="gpt-4o-gateway", messages=m)\n'
    assert not skips(src, catalog)
    assert skips(src.replace("gpt-4o-gateway", "gpt-4o"), catalog)


def test_a_skipped_file_still_reports_its_unused_suppressions():
    src = OPENAI + 'r = client.chat.completions.create(model="gpt-4o", messages=m)  # tokenbudget: ignore[TB206]\n'
    assert skips(src)
    assert [(f.line, f.code) for f in lint_source(src)] == [(3, "TB900")]


def test_no_case_file_the_check_skips_holds_a_call_site():
    """Soundness over the linter's own cases: a file it would skip has no call site."""
    import libcst as cst

    skipped = []
    for path in sorted(CASES.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if cannot_hold_sites(ast.parse(text), text, shipped_catalog()):
            skipped.append(path.name)
            assert extract_call_sites(cst.parse_module(text), path=str(path)) == [], path
    assert "other_vendors.py" in skipped


def test_a_project_of_openai_and_gateway_calls_gives_the_same_findings_in_processes(tmp_path):
    for i in range(6):
        (tmp_path / f"openai_{i}.py").write_text(
            OPENAI + f'def f{i}(q):\n    return client.chat.completions.create(model="gpt-4o", messages=q)\n')
    for i in range(3):
        (tmp_path / f"gateway_{i}.py").write_text(
            OPENAI + f'def g{i}(q):\n    return client.chat.completions.create(model="claude-sonnet-4-5", '
                     'max_tokens=60000, messages=q)\n')
    serial = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=1))
    pooled = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=2))
    assert [f.as_json() for f in pooled.findings] == [f.as_json() for f in serial.findings]
    assert sorted({f.path.rsplit("/", 1)[-1] for f in serial.findings}) == [f"gateway_{i}.py" for i in range(3)]
    assert serial.call_sites == 3
