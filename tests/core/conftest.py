"""Core tests run on one fixed day: prices and lifecycle verdicts depend on the date."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("TOKENBUDGET_TODAY", TODAY.isoformat())
