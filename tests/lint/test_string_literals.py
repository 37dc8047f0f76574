"""A string literal's value, read without libcst's ``evaluated_value`` (an ``ast.literal_eval``
each) where no escape needs decoding, must be what Python evaluates it to."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from pytest_tokenbudget.lint.analysis.strings import string_value
from pytest_tokenbudget.lint.analysis.values import UNKNOWN

LITERALS = [
    '"plain text"', "'single'", '"""triple\nquoted"""', "'''a 'quote' inside'''", 'u"unicode prefix"',
    'r"C:\\dir\\file"', 'R"raw \\n stays"', '"escaped \\n newline"', '"tab\\tand \\\\ backslash"',
    '"\\u00e9t\\u00e9"', '"line \\\ncontinued"', '""', 'Rb"raw bytes"', 'b"bytes"', '"caf\u00e9"',
]


@pytest.mark.parametrize("literal", LITERALS)
def test_a_literal_s_value_is_what_python_evaluates(literal):
    node = cst.parse_expression(literal)
    expected = ast.literal_eval(literal)
    assert string_value(node) == (expected if isinstance(expected, str) else UNKNOWN)
