"""One of several static texts: what every candidate shares, and bounds on each candidate's size."""

from __future__ import annotations

from pytest_tokenbudget.lint.analysis.bounds import MAX_CANDIDATES, full_texts, lead_texts
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Text, choice, dict_get, static_text


def test_texts_keep_their_common_start_and_end_around_one_hole_with_the_differing_middles():
    got = choice(["RULES. Be brief. END", "RULES. Be thorough. END"])
    assert isinstance(got, Text)
    assert static_text(got) == "RULES. Be . END"  # what every candidate says
    assert sorted(full_texts(got)) == ["RULES. Be brief. END", "RULES. Be thorough. END"]
    assert sorted(lead_texts(got)) == ["RULES. Be brief. END", "RULES. Be thorough. END"]


def test_equal_values_are_the_value_and_anything_unknown_or_not_text_is_unknown():
    assert choice(["same", "same"]) == "same"
    assert choice(["text", UNKNOWN]) is UNKNOWN
    assert choice(["text", 3]) is UNKNOWN
    assert choice([]) is UNKNOWN


def test_a_candidate_with_per_call_text_bounds_only_its_static_start():
    per_call = Text.join("RULES. Use the glossary: ", UNKNOWN)
    got = choice([per_call, "RULES. No glossary today."])
    assert sorted(lead_texts(got)) == ["RULES. No glossary today.", "RULES. Use the glossary: "]
    assert full_texts(got) is None  # one candidate's size is not known: no upper bound


def test_a_dict_read_with_an_unknown_key_is_any_entry_or_the_default():
    prompts = {"a": "Shared start. Persona A.", "b": "Shared start. Persona B."}
    got = dict_get(prompts, [UNKNOWN, "Fallback."])
    assert sorted(full_texts(got)) == ["Fallback.", "Shared start. Persona A.", "Shared start. Persona B."]
    assert dict_get(prompts, ["a"]) == "Shared start. Persona A."
    assert dict_get(prompts, ["missing"]) is UNKNOWN  # a known key the dict does not list: filled elsewhere
    # no default: .get may return None, which is not a text
    assert dict_get(prompts, [UNKNOWN]) is UNKNOWN


def test_too_many_combinations_give_no_bound():
    many = choice([f"option {i}" for i in range(12)])
    combined = Text.join(many, " and ", many)  # 144 combinations
    assert len(lead_texts(many)) == 12
    assert 144 > MAX_CANDIDATES and lead_texts(combined) == [] and full_texts(combined) is None
