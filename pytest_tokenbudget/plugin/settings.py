"""Budget settings for the pytest plugin: options, ini keys, environment, markers, precedence.

Budgets (USD per test and per session) come from, lowest to highest precedence:
ini ``token_budget_per_test`` / ``token_budget_session`` < environment ``TOKEN_BUDGET_PER_TEST`` /
``TOKEN_BUDGET_SESSION`` < ``--token-budget-per-test`` / ``--token-budget-session`` < the
``token_budget`` marker (tests, classes, modules).

Marker precedence, one rule, dimension by dimension: the closest level wins (the test over its
class over its module), and among markers at the same level the one *applied last* wins. Python
applies stacked decorators bottom-up, so the top decorator wins; in a ``pytestmark`` list the last
entry wins; a marker added with ``item.add_marker()`` wins over both. A dimension no marker at a
level names is looked up at the next level out, then in the settings below.

In every dimension, ``0`` means *nothing allowed* (``usd=0``: any call that could cost money is
refused) and ``None`` means *no limit* (``usd=None`` in a marker lifts an inherited limit; the
word ``none`` does the same on the command line, in the environment or in ini). A dimension a
marker does not name is inherited.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from pytest_tokenbudget.plugin.ledger.ledger import DIMENSIONS, Limits

__all__ = ["ENV_PER_TEST", "ENV_SESSION", "MARKER", "Setting", "Settings", "add_budget_options", "ini_bool",
           "marker_limits", "resolve_settings"]

ENV_PER_TEST = "TOKEN_BUDGET_PER_TEST"
ENV_SESSION = "TOKEN_BUDGET_SESSION"
MARKER = "token_budget"
DEFAULT_TOP = 5  # --token-budget-top default
_NO_LIMIT_WORDS = ("none", "off", "no", "unlimited")
# the store shared across machines (read by plugin/sharing.py): URL, run id, shard name
ENV_STORE = "TOKEN_BUDGET_STORE"
ENV_RUN_ID = "TOKEN_BUDGET_RUN_ID"
ENV_SHARD = "TOKEN_BUDGET_SHARD"


def add_budget_options(group: Any, parser: pytest.Parser) -> None:
    """The budget options and ini keys (report options live in :mod:`.report.run`)."""
    group.addoption("--token-budget", action="store_true", default=False, dest="token_budget",
                    help="count every Anthropic/OpenAI API call the tests make, enforce budgets, report. "
                         "Claude models are priced from the bundled catalog; OpenAI models are counted "
                         "(calls, tokens) but unpriced unless added to [tool.tokenbudget.models].")
    group.addoption("--token-budget-per-test", metavar="USD", default=None, dest="token_budget_per_test",
                    help="USD budget of each test (0: no spend allowed; 'none': no limit). "
                         f"Overrides ini token_budget_per_test and ${ENV_PER_TEST}; a marker overrides it.")
    group.addoption("--token-budget-session", metavar="USD", default=None, dest="token_budget_session",
                    help="USD budget of the whole run: once spent, further calls are refused and the run "
                         f"fails. Overrides ini token_budget_session and ${ENV_SESSION}.")
    group.addoption("--token-budget-top", metavar="N", type=int, default=None, dest="token_budget_top",
                    help="show the N most expensive tests in the report (0: all; default 5).")
    parser.addini("token_budget_per_test", "USD budget of each test (0: nothing allowed; none: no limit)",
                  default=None)
    parser.addini("token_budget_session", "USD budget of the whole run", default=None)
    parser.addini("token_budget_preflight", "refuse a call before it is sent when its worst case could "
                  "overrun a budget (default true)", default="true")
    parser.addini("token_budget_count_replayed", "cassette replays and mocked calls count against budgets at "
                  "what they would cost live (default true); reports show them apart either way",
                  default="true")
    parser.addini("token_budget_children", "Python child processes started by tests (subprocess, "
                  "multiprocessing, os.fork) join the run: their calls are recorded and budgeted (default true; "
                  "a joined child starts about half a second slower)", type="bool", default=True)
    parser.addini("token_budget_unknown_model", "a call to a model the catalog cannot price: error (default) "
                  "or warn (totals are marked incomplete); overrides [tool.tokenbudget] unknown-model",
                  default=None)


@dataclass(frozen=True)
class Setting:
    value: Decimal | None
    source: str  # "ini", "env TOKEN_BUDGET_…", "--token-budget-…", "" when unset
    set: bool = False  # given anywhere (even as "none")


@dataclass(frozen=True)
class Settings:
    enabled: bool
    per_test: Setting
    session: Setting
    preflight: bool
    unknown_model: str
    top: int


def _parse_usd(raw: Any, where: str) -> Decimal | None:
    if isinstance(raw, str) and raw.strip().lower() in _NO_LIMIT_WORDS:
        return None
    try:
        return Limits.parse(where, usd=raw).usd
    except ValueError as exc:
        raise pytest.UsageError(f"{exc} (use 0 for no spend at all, or 'none' for no limit)") from None


def _layered(config: pytest.Config, ini: str, env: str, opt: str, flag: str) -> Setting:
    """ini < env < CLI: the last one given wins."""
    found = Setting(None, "")
    raw_ini = config.getini(ini)
    if raw_ini not in (None, "", []):
        found = Setting(_parse_usd(raw_ini, f"ini {ini}"), f"ini {ini}", True)
    raw_env = os.environ.get(env)
    if raw_env is not None and raw_env.strip() != "":
        found = Setting(_parse_usd(raw_env, f"${env}"), f"${env}", True)
    raw_cli = config.getoption(opt)
    if raw_cli is not None:
        found = Setting(_parse_usd(raw_cli, flag), flag, True)
    return found


_TRUE = ("true", "yes", "on", "1", "y", "t")
_FALSE = ("false", "no", "off", "0", "n", "f")


def ini_bool(config: pytest.Config, name: str) -> bool:
    """A true/false ini setting (read as text, so that a bad value is an error naming the setting)."""
    raw = config.getini(name)
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise pytest.UsageError(f"ini {name} = {str(raw).strip()!r}: expected true or false "
                            "(also accepted: yes/no, on/off, 1/0)")


def resolve_settings(config: pytest.Config) -> Settings:
    per_test = _layered(config, "token_budget_per_test", ENV_PER_TEST, "token_budget_per_test",
                        "--token-budget-per-test")
    session = _layered(config, "token_budget_session", ENV_SESSION, "token_budget_session",
                       "--token-budget-session")
    unknown = config.getini("token_budget_unknown_model")
    if unknown not in (None, ""):
        unknown = str(unknown).strip().lower()
        if unknown not in ("error", "warn"):
            raise pytest.UsageError(f"ini token_budget_unknown_model = {unknown!r}: expected error or warn")
    else:
        unknown = None
    top = config.getoption("token_budget_top")
    if top is not None and top < 0:
        raise pytest.UsageError("--token-budget-top must be >= 0 (0 shows all tests)")
    enabled = bool(config.getoption("token_budget")) or per_test.set or session.set
    return Settings(enabled=enabled, per_test=per_test, session=session,
                    preflight=ini_bool(config, "token_budget_preflight"),
                    unknown_model=unknown or "", top=DEFAULT_TOP if top is None else top)


def _by_precedence(item: pytest.Item) -> list[Any]:
    """The item's ``token_budget`` marks, the one that wins first."""
    levels: list[tuple[Any, list[Any]]] = []
    for node, mark in item.iter_markers_with_node(MARKER):  # closest level first, each in applied order
        if not levels or levels[-1][0] is not node:
            levels.append((node, []))
        levels[-1][1].append(mark)
    return [mark for _node, marks in levels for mark in reversed(marks)]


def marker_limits(item: pytest.Item, base: Limits) -> Limits:
    """``base`` with each dimension replaced by the closest ``token_budget`` marker that names it
    (closest level first; at one level, the marker applied last first: see the module docstring)."""
    values: dict[str, Any] = {}
    for mark in _by_precedence(item):
        kwargs = dict(mark.kwargs)
        if mark.args:
            if len(mark.args) > 1 or "usd" in kwargs:
                raise pytest.UsageError(f"{item.nodeid}: token_budget takes one positional value (usd), "
                                        f"got {mark.args!r}")
            kwargs["usd"] = mark.args[0]
        bad = set(kwargs) - set(DIMENSIONS)
        if bad:
            raise pytest.UsageError(f"{item.nodeid}: token_budget marker: unknown dimension(s) "
                                    f"{', '.join(sorted(bad))}; allowed: {', '.join(DIMENSIONS)}")
        for dim, v in kwargs.items():
            values.setdefault(dim, v)
    merged = {d: getattr(base, d) for d in DIMENSIONS}
    merged.update(values)
    try:
        return Limits.parse(f"{item.nodeid}: token_budget marker", **merged)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
