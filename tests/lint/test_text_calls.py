"""The project evaluator's text calls: json.dumps of a closed value formats as its keywords ask."""

from __future__ import annotations

import ast
import json

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Unknown
from pytest_tokenbudget.lint.text_calls import text_of_call as _text_of_call


def text_of_call(q, args, keywords):
    nodes = [(k, ast.Constant(v)) for k, v in keywords.items()]
    return _text_of_call(q, args, nodes, lambda n: n.value)

LABELS = {"label": "billing", "scores": [1, 2], "note": "é"}


def test_json_dumps_of_a_closed_value_is_its_text_with_the_keywords_applied():
    assert text_of_call("json.dumps", [LABELS], {}) == json.dumps(LABELS)
    assert text_of_call("json.dumps", [LABELS], {"indent": 2, "ensure_ascii": False}) == \
        json.dumps(LABELS, indent=2, ensure_ascii=False)
    assert text_of_call("json.dumps", [LABELS], {"separators": [",", ":"], "sort_keys": True}) == \
        json.dumps(LABELS, separators=(",", ":"), sort_keys=True)


def test_default_is_never_called_on_a_closed_value():
    """``default=`` only runs for what JSON cannot encode; a closed value has none of that."""
    assert text_of_call("json.dumps", [LABELS], {"default": Unknown()}) == json.dumps(LABELS)


def test_json_dumps_is_unknown_when_its_input_or_its_encoder_is():
    assert text_of_call("json.dumps", [{"label": UNKNOWN}], {}) is UNKNOWN
    assert isinstance(text_of_call("json.dumps", [LABELS], {"cls": Unknown()}), Unknown)
    assert text_of_call("json.dumps", [LABELS], {"indent": UNKNOWN}) is UNKNOWN


def test_other_calls_are_not_text_calls():
    assert text_of_call("json.loads", ["{}"], {}) is None
    assert text_of_call("textwrap.dedent", ["  a\n  b"], {}) == "a\nb"
