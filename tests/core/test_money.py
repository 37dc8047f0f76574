"""The one money rule (core.money): every amount shown to people goes through format_usd."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pytest_tokenbudget.core.money import decimal_str, format_usd, format_usd_pair


@pytest.mark.parametrize("amount, text", [
    (None, "$?"), (D(0), "$0"), (D("12.5"), "$12.50"), (D("1234.564"), "$1,234.56"), (D(3), "$3"),
    (D("0.5"), "$0.50"), (D("0.01"), "$0.01"), (D("0.0123"), "$0.0123"), (D("0.0083712"), "$0.00837"),
    (D("0.005"), "$0.005"), (D("0.000001"), "$0.000001"), (D("0.0000175"), "$0.0000175"),
    (D("0.99996"), "$1"), (D("-0.0023"), "-$0.0023"),
])
def test_format_usd(amount, text):
    assert format_usd(amount) == text


def test_small_amounts_never_print_as_zero():
    assert format_usd(D("0.0000000001")) != "$0"


def test_pair_gets_the_digits_that_tell_two_amounts_apart():
    assert format_usd_pair(D("0.00504"), D("0.005")) == ("$0.00504", "$0.005")
    assert format_usd_pair(D("0.0050004"), D("0.005")) == ("$0.0050004", "$0.005")
    assert format_usd_pair(D("0.011"), D("0.01")) == ("$0.011", "$0.01")


def test_decimal_str_is_exact():
    assert decimal_str(D("0.02040")) == "0.0204" and decimal_str(D("1E-7")) == "0.0000001"
