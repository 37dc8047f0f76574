"""The catalog against the installed ``anthropic`` SDK's own model tables.

The SDK warns "The model '<id>' is deprecated and will reach end-of-life on <date>" from its
``DEPRECATED_MODELS`` table: the catalog's Claude API retirement dates must say the same (issue 13:
the SDK said claude-opus-4-5 ends on 2027-01-22 while the catalog said 2026-11-24). A model the
catalog holds deprecated but not yet retired must be in that table, and every id the SDK's
``Model`` type offers must be a catalog model that is not retired.
"""

from __future__ import annotations

import datetime as dt
import re
import typing

import importlib


from pytest_tokenbudget.core.catalog import shipped_catalog

# the installed SDK's own tables: the [test] extra installs anthropic, so a missing module fails here
sdk_data = importlib.import_module("anthropic._data")
sdk_model = importlib.import_module("anthropic.types.model")

CATALOG = shipped_catalog()
TODAY = dt.date(2026, 12, 1)


def _sdk_date(text: str) -> dt.date:
    """``"January 22nd, 2027"`` -> 2027-01-22."""
    cleaned = re.sub(r"(\d+)(st|nd|rd|th)", r"\1", text)
    return dt.datetime.strptime(cleaned, "%B %d, %Y").date()


def test_sdk_date_parsing():
    assert _sdk_date("June 30th, 2026") == dt.date(2026, 6, 30)
    assert _sdk_date("January 22nd, 2027") == dt.date(2027, 1, 22)
    assert _sdk_date("March 1st, 2027") == dt.date(2027, 3, 1)


def test_sdk_end_of_life_dates_agree_with_the_catalog():
    disagreements = []
    for model_id, when in sdk_data.DEPRECATED_MODELS.items():
        row = CATALOG.find(model_id)
        if row is None:
            disagreements.append(f"{model_id}: in the SDK table, not in the catalog")
            continue
        st = row.status(TODAY)
        if st.retired != _sdk_date(when):
            disagreements.append(f"{model_id}: SDK end of life {_sdk_date(when)}, catalog retires {st.retired}")
        if st.state not in ("deprecated", "retired"):
            disagreements.append(f"{model_id}: SDK says deprecated, catalog says {st.state}")
    assert disagreements == []


def test_models_deprecated_today_are_in_the_sdk_table():
    sdk = {row.id for row in map(CATALOG.find, sdk_data.DEPRECATED_MODELS) if row is not None}
    deprecated = {m.id for m in CATALOG if m.status(TODAY).state == "deprecated"}
    assert deprecated <= sdk


# The SDK's Model type still offers it, while its own DEPRECATED_MODELS says end of life on
# 2026-06-30 (SDK 2.15.0): the end-of-life date is the one the catalog keeps (marked unconfirmed).
STILL_OFFERED_AFTER_END_OF_LIFE = {"claude-mythos-preview"}


def test_every_model_the_sdk_offers_is_a_catalog_model_that_still_works():
    literal = next(a for a in typing.get_args(sdk_model.Model) if typing.get_origin(a) is typing.Literal)
    for model_id in typing.get_args(literal):
        row = CATALOG.find(model_id)
        assert row is not None, model_id
        if model_id not in STILL_OFFERED_AFTER_END_OF_LIFE:
            assert row.status(TODAY).state != "retired", model_id
