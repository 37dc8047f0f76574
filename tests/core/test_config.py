"""[tool.tokenbudget] loading: price overrides, and errors that name the file, the key and the fix."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pytest_tokenbudget import price
from pytest_tokenbudget.core.config import ConfigError, find_pyproject, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    return path


def test_no_pyproject_means_the_shipped_catalog(tmp_path):
    cfg = load_config(tmp_path)
    assert cfg.path is None
    assert cfg.catalog.lookup("claude-sonnet-4-5").input == Decimal(3)


def test_found_by_walking_up_from_a_subdirectory(tmp_path):
    write(tmp_path, "[tool.tokenbudget]\nunknown-model = 'warn'\n")
    deep = tmp_path / "src" / "pkg"
    deep.mkdir(parents=True)
    assert find_pyproject(deep) == tmp_path / "pyproject.toml"
    assert load_config(deep).unknown_model == "warn"


def test_a_pyproject_without_the_table_is_skipped(tmp_path):
    write(tmp_path, "[tool.tokenbudget]\nunknown-model = 'warn'\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_pyproject(inner) == tmp_path / "pyproject.toml"


def test_override_replaces_fields_of_a_shipped_row(tmp_path):
    write(tmp_path, '[tool.tokenbudget.models."claude-sonnet-5-5"]\ncache-read = 0.10\n')
    catalog = load_config(tmp_path).catalog
    row = catalog.lookup("claude-sonnet-5-5")
    assert row.cache_read == Decimal("0.10")
    assert row.input == Decimal(2)  # the rest of the row is kept
    assert "cache-read" not in row.unconfirmed
    assert row.origin.endswith("pyproject.toml")
    cost = price("claude-sonnet-5-5", {"input_tokens": 0, "output_tokens": 0, "cache_read_input_tokens": 10**6},
                 catalog=catalog)
    assert cost.total_usd == Decimal("0.10")


def test_override_by_alias_spelling_replaces_the_canonical_row(tmp_path):
    write(tmp_path, '[tool.tokenbudget.models."claude-sonnet-4.5"]\noutput = 16\n')
    assert load_config(tmp_path).catalog.lookup("claude-sonnet-4-5-20250929").output == Decimal(16)


def test_override_adds_a_new_model_with_default_cache_multipliers(tmp_path):
    write(tmp_path, '[tool.tokenbudget.models."claude-internal-7"]\ninput = 2\noutput = 8\n')
    row = load_config(tmp_path).catalog.lookup("claude-internal-7")
    assert (row.cache_write_5m, row.cache_write_1h, row.cache_read) == (Decimal("2.50"), Decimal(4), Decimal("0.2"))


def test_override_of_a_defined_tool_size_keeps_the_other_tools(tmp_path):
    write(tmp_path, '[tool.tokenbudget.models."claude-opus-4-7"]\ndefined-tool-tokens = { text_editor = 720 }\n'
                    '[tool.tokenbudget.models."claude-internal-7"]\ninput = 2\noutput = 8\n')
    catalog = load_config(tmp_path).catalog
    opus = catalog.lookup("claude-opus-4-7")
    assert (opus.defined_tool_tokens("text_editor_20250728"), opus.defined_tool_tokens("bash_20250124")) == (720, 325)
    # a model added by the user starts from the catalog's defaults
    assert catalog.lookup("claude-internal-7").defined_tool_tokens("bash_20250124") == 244


def test_override_prices_a_model_without_a_published_price(tmp_path):
    write(tmp_path, '[tool.tokenbudget.models."claude-mythos-preview"]\ninput = 20\noutput = 100\n'
                    'cache-read = 2\ncache-write-5m = 25\ncache-write-1h = 40\n')
    catalog = load_config(tmp_path).catalog
    assert price("claude-mythos-preview", {"input_tokens": 1000, "output_tokens": 100},
                 catalog=catalog).total_usd == Decimal("0.03")


@pytest.mark.parametrize(("body", "expected"), [
    ('[tool.tokenbudget.models."claude-sonnet-4-5"]\ninptu = 3\n', "unknown key 'inptu' (did you mean 'input'?)"),
    ('[tool.tokenbudget.models."claude-sonnet-4-5"]\ninput = -3\n', "input = -3 is not valid: expected a price must be"),
    ('[tool.tokenbudget.models."claude-sonnet-4-5"]\ninput = "3"\n', "input = '3' is not valid: expected a number"),
    ('[tool.tokenbudget.models."claude-sonnet-4-5"]\nmax-output = 1.5\n', "max-output"),
    ('[tool.tokenbudget.models."claude-new"]\ninput = 3\n', "needs at least output"),
    ('[tool.tokenbudget.models."claude-sonnet-4-5"]\ndefined-tool-tokens = 700\n',
     "defined-tool-tokens = 700 is not valid: expected a table of tool names to token counts"),
    ('[tool.tokenbudget.models]\n"claude-x" = 3\n', "must be a table of prices"),
    ("[tool.tokenbudget]\nunknown_model = 'warn'\n", "unknown key 'unknown_model' in [tool.tokenbudget] (did you mean 'unknown-model'?)"),
    ("[tool.tokenbudget]\nunknown-model = 'ignore'\n", "expected 'error' or 'warn'"),
    ("[tool.tokenbudget.lint]\nselect = 'TB101'\n", "select = 'TB101' is not valid: expected a list of strings"),
    ("[tool.tokenbudget.lint]\nslect = ['TB101']\n", "did you mean 'select'?"),
    ("[tool.tokenbudget\n", "invalid TOML"),
])
def test_config_errors_name_the_file_and_the_key(tmp_path, body, expected):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert str(path.resolve()) in str(exc.value)
    assert expected in str(exc.value)


def test_config_is_reloaded_when_the_file_changes(tmp_path):
    import os

    path = write(tmp_path, "[tool.tokenbudget]\nunknown-model = 'warn'\n")
    assert load_config(tmp_path).unknown_model == "warn"
    path.write_text("[tool.tokenbudget]\nunknown-model = 'error'\n")
    os.utime(path, ns=(1, 1))
    assert load_config(tmp_path).unknown_model == "error"


@pytest.mark.parametrize(("value", "expected"), [("'500k'", 512_000), ("'2M'", 2 * 1024 * 1024), ("3000000", 3_000_000),
                                                 ("'1.5m'", 1_572_864)])
def test_max_file_size_takes_bytes_or_units(tmp_path, value, expected):
    write(tmp_path, f"[tool.tokenbudget.lint]\nmax-file-size = {value}\n")
    assert load_config(tmp_path).lint["max-file-size"] == expected


def test_a_bad_max_file_size_names_the_key(tmp_path):
    write(tmp_path, "[tool.tokenbudget.lint]\nmax-file-size = 'big'\n")
    with pytest.raises(ConfigError, match="max-file-size = 'big' is not valid: expected a size such as"):
        load_config(tmp_path)
