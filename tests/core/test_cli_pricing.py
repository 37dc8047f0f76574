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
                       "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["model"] == "claude-opus-5"
    assert Decimal(data["total_usd"]) == Decimal("2.75")  # 5 * 0.5 * 1.1 (regional Bedrock profile)
    code, out, _ = run(capsys, "cost", "claude-opus-5", "--input", "1000000", "--batch", "--geo", "us",
                       "--format", "json")
    assert Decimal(json.loads(out)["total_usd"]) == Decimal("2.75")  # 5 * 0.5 * 1.1 (US-only inference)


def test_cost_text_output_lists_components_and_total(capsys):
    code, out, _ = run(capsys, "cost", "claude-haiku-4-5", "--input", "2000", "--output", "100", "--web-search", "2")
    assert code == 0
    assert "input            $0.002" in out
    assert "web search       $0.02" in out
    assert "total            $0.0225" in out


@pytest.mark.parametrize("argv, message", [
    (["cost", "claude-sonnet-9"], "unknown model 'claude-sonnet-9'"),
    (["cost", "claude-opus-4-7", "--input", "5", "--speed", "fast"],
     "claude-opus-4-7 no longer offers fast mode: speed=fast returns an error since 2026-07-24"),
    (["cost", "claude-haiku-5-5", "--input", "5", "--speed", "fast"], "claude-haiku-5-5 does not offer fast mode"),
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


def test_a_bad_day_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["cost", "claude-sonnet-4-5", "--on", "2026-13-01"])
    assert exc.value.code == 2
    assert "'2026-13-01' is not a date" in capsys.readouterr().err


def test_negative_tokens_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["cost", "claude-sonnet-4-5", "--input", "-5"])
    assert exc.value.code == 2
    assert "-5 is negative" in capsys.readouterr().err


def test_prices_table_hides_retired_models_unless_all(capsys):
    from pytest_tokenbudget.core.catalog import shipped_catalog

    code, out, _ = run(capsys, "prices")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("claude-")}
    for model in shipped_catalog():
        assert (model.id in lines) == (model.lifecycle != "retired"), model.id
    assert "retired models not shown: tokenbudget prices --all lists them" in out
    fable52 = lines["claude-fable-5-2"]
    assert " $8 " in fable52 and "$0.20*" in fable52
    assert "* = unconfirmed" in out
    code, out, _ = run(capsys, "prices", "--all")
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("claude-")}
    assert set(lines) == {m.id for m in shipped_catalog()}
    assert "retired 2025-10-28" in lines["claude-3-5-sonnet-20241022"]
    assert lines["claude-3-5-sonnet-20241022"].rstrip().endswith("claude-sonnet-5-5")


def test_prices_lifecycle_is_the_verdict_of_the_day(capsys):
    # issue 13: on 2026-12-01 Sonnet 4.5 is retired, not "deprecated 2026-11-30"
    _, out, _ = run(capsys, "prices", "--all")
    sonnet45 = next(line for line in out.splitlines() if line.startswith("claude-sonnet-4-5 "))
    assert "retired 2026-11-30" in sonnet45 and "deprecated" not in sonnet45
    _, out, _ = run(capsys, "prices", "--on", "2026-11-01")
    sonnet45 = next(line for line in out.splitlines() if line.startswith("claude-sonnet-4-5 "))
    assert "deprecated, retires 2026-11-30" in sonnet45
    _, out, _ = run(capsys, "prices", "--on", "2026-10-01")
    sonnet55 = next(line for line in out.splitlines() if line.startswith("claude-sonnet-5-5 "))
    assert " $0.20 " in sonnet55  # cache hits before the 2026-10-07 cut


def test_prices_json_and_single_model(capsys):
    from pytest_tokenbudget.core.catalog import shipped_catalog

    code, out, _ = run(capsys, "prices", "--format", "json", "--all")
    data = json.loads(out)
    assert code == 0 and len(data["models"]) == len(shipped_catalog()) == 38
    code, out, _ = run(capsys, "prices", "claude-haiku-5.5", "--format", "json")
    row = json.loads(out)
    assert row["id"] == "claude-haiku-5-5"
    assert row["prompt-tier"]["above"] == 100000
    assert "cache-read" in row["unconfirmed"]
    code, out, _ = run(capsys, "prices", "claude-3-5-sonnet-latest", "--format", "json")
    row = json.loads(out)
    assert row["api"] == {"state": "retired", "deprecated": "2025-08-13", "retired": "2025-10-28",
                          "replacement": "claude-sonnet-4-6"}
    assert row["successor"] == "claude-sonnet-5-5"
    code, out, _ = run(capsys, "prices", "claude-sonnet-5-5", "--format", "json")
    assert json.loads(out)["history"] == [{"until": "2026-10-06", "cache-read": "0.2", "unconfirmed": [],
                                          "source": json.loads(out)["history"][0]["source"]}]


def test_prices_detail_names_the_lifecycle(capsys):
    _, out, _ = run(capsys, "prices", "claude-2.1")
    assert "claude-2.1 was retired on 2025-07-21: every call fails; use claude-opus-5-5 ($4 / $20)" in out
    _, out, _ = run(capsys, "prices", "claude-opus-4-1", "--platform", "bedrock")
    assert "still served on Amazon Bedrock" in out


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


ISSUE_IDS = ["claude-3-5-sonnet-20241022", "claude-3-opus-20240229", "claude-3-7-sonnet-20250219",
             "claude-3-sonnet-20240229", "claude-2.1", "claude-2.0", "claude-3-haiku", "claude-v1", "claude-v2",
             "claude-instant-v1", "claude-4-opus-20250514", "claude-sonnet-4@default", "anthropic.claude-v2:1",
             "claude-3-5-sonnet-v2@20241022", "claude-instant-1.2"]


@pytest.mark.parametrize("model", ISSUE_IDS)
def test_cost_prices_every_id_from_the_issue(capsys, model):
    from pytest_tokenbudget.core.catalog import shipped_catalog

    code, out, err = run(capsys, "cost", model, "--input", "1000", "--output", "500", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["model"] == shipped_catalog().lookup(model).id
    assert Decimal(data["total_usd"]) > 0
    assert data["lifecycle"]["api"]["state"] == "retired"
    assert "every call fails; use claude-" in data["note"]


def test_cost_text_states_the_retirement_and_the_successor(capsys):
    code, out, _ = run(capsys, "cost", "claude-3-5-sonnet-20241022", "--input", "1000", "--output", "500")
    assert code == 0
    assert "total            $0.0105" in out
    assert ("note: claude-3-5-sonnet-20241022 was retired on 2025-10-28: every call fails; "
            "use claude-sonnet-5-5 ($2 / $10)") in out


def test_cost_on_a_day_prices_that_days_period(capsys):
    _, out, _ = run(capsys, "cost", "claude-sonnet-5-5", "--cache-read", "1000000", "--on", "2026-10-06",
                    "--format", "json")
    assert Decimal(json.loads(out)["total_usd"]) == Decimal("0.2")
    _, out, _ = run(capsys, "cost", "claude-sonnet-5-5", "--cache-read", "1000000", "--format", "json")
    assert Decimal(json.loads(out)["total_usd"]) == Decimal("0.1")


def test_cost_fast_uses_the_fast_price_or_a_stated_worst_case(capsys):
    code, out, _ = run(capsys, "cost", "claude-fable-5-2", "--input", "1000", "--output", "1000", "--speed", "fast",
                       "--format", "json")
    assert code == 0 and Decimal(json.loads(out)["total_usd"]) == Decimal("0.096")
    code, out, err = run(capsys, "cost", "claude-mythos-5-2", "--input", "1000", "--output", "1000",
                         "--speed", "fast")
    assert code == 0 and "total            $0.288" in out
    assert "highest documented fast multiplier (6x" in err
    code, out, _ = run(capsys, "cost", "claude-opus-4-6", "--input", "1000", "--output", "1000", "--speed", "fast")
    assert code == 0 and "fast billed as standard" in out and "total            $0.03" in out


def test_cost_regional_flag_and_bedrock_profile(capsys):
    _, out, _ = run(capsys, "cost", "claude-sonnet-4-6", "--input", "1000000", "--regional", "--format", "json")
    assert Decimal(json.loads(out)["total_usd"]) == Decimal("3.3")
    _, out, _ = run(capsys, "cost", "eu.anthropic.claude-sonnet-4-6", "--input", "1000000", "--format", "json")
    assert Decimal(json.loads(out)["total_usd"]) == Decimal("3.3")
