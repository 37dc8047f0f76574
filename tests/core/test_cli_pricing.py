"""`tokenbudget prices` and `tokenbudget cost` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from pytest_tokenbudget.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_issue_example_total_is_exactly_0_0204(capsys):
    code, out, _ = run(capsys, "cost", "claude-sonnet-4-5", "--input", "1000", "--output", "500",
                       "--cache-write-5m", "2000", "--cache-read", "8000", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["model"] == "claude-sonnet-4-5"
    assert Decimal(data["total_usd"]) == Decimal("0.0204")
    assert {k for k in data if k.endswith("_usd")} >= {"input_usd", "cache_write_5m_usd", "cache_write_1h_usd",
                                                       "cache_read_usd", "output_usd", "web_search_usd"}


def test_cost_normalises_the_model_and_applies_modifiers(capsys):
    code, out, _ = run(capsys, "cost", "us.anthropic.claude-opus-5", "--input", "1000000", "--batch",
                       "--geo", "us", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["model"] == "claude-opus-5"
    assert Decimal(data["total_usd"]) == Decimal("2.75")  # 5 * 0.5 * 1.1


def test_cost_text_output_lists_components_and_total(capsys):
    code, out, _ = run(capsys, "cost", "claude-haiku-4-5", "--input", "2000", "--output", "100", "--web-search", "2")
    assert code == 0
    assert "input            $0.002" in out
    assert "web search       $0.02" in out
    assert "total            $0.0225" in out


@pytest.mark.parametrize("argv, message", [
    (["cost", "claude-sonnet-9"], "unknown model 'claude-sonnet-9'"),
    (["cost", "claude-fable-5-2", "--input", "5", "--speed", "fast"], "no fast-input price"),
    (["cost", "claude-sonnet-4-5", "--input", "5", "--geo", "us"], "inference_geo='us'"),
    (["prices", "gpt-4o"], "unknown model 'gpt-4o'"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_negative_tokens_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["cost", "claude-sonnet-4-5", "--input", "-5"])
    assert exc.value.code == 2
    assert "-5 is negative" in capsys.readouterr().err


def test_prices_table_lists_every_model_and_marks_unconfirmed(capsys):
    code, out, _ = run(capsys, "prices")
    assert code == 0
    from pytest_tokenbudget.core.catalog import shipped_catalog

    for model in shipped_catalog():
        assert model.id in out
    fable52 = next(line for line in out.splitlines() if line.startswith("claude-fable-5-2 "))
    assert "8*" in fable52 and "40*" in fable52
    assert "* = unconfirmed" in out


def test_prices_json_and_single_model(capsys):
    code, out, _ = run(capsys, "prices", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data["models"]) == 24
    code, out, _ = run(capsys, "prices", "claude-haiku-5.5", "--format", "json")
    row = json.loads(out)
    assert row["id"] == "claude-haiku-5-5"
    assert row["prompt-tier"]["above"] == 100000
    assert "cache-read" in row["unconfirmed"]


def test_prices_reflect_pyproject_overrides(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.tokenbudget.models."claude-sonnet-5-5"]\ncache-read = 0.1\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "prices", "claude-sonnet-5-5", "--format", "json")
    assert json.loads(out)["cache-read"] == "0.1"


def test_a_config_typo_is_exit_2_naming_the_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.tokenbudget.models."claude-sonnet-5-5"]\ncache_read = 0.1\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "prices")
    assert code == 2
    assert "pyproject.toml" in err and "'cache_read'" in err and "did you mean 'cache-read'" in err


def test_console_script_runs_as_a_subprocess():
    proc = subprocess.run([sys.executable, "-m", "pytest_tokenbudget", "cost", "claude-haiku-4-5", "--input", "10",
                           "--format", "json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_usd"] == "0.00001"
