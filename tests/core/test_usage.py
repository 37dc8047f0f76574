"""Reading usage blocks: Anthropic, OpenAI chat and Responses, SSE accumulation, bad counts."""

from __future__ import annotations

import pytest

from pytest_tokenbudget.core.usage import MalformedUsageError, Usage, merge_message_delta, usage_from_response


def test_anthropic_usage_with_ttl_split():
    u = usage_from_response({
        "input_tokens": 17, "cache_creation_input_tokens": 1200, "cache_read_input_tokens": 3400,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 200},
        "output_tokens": 7, "service_tier": "standard", "speed": "standard", "inference_geo": "global",
    })
    assert (u.input_tokens, u.cache_write_5m_tokens, u.cache_write_1h_tokens, u.cache_read_tokens,
            u.output_tokens) == (17, 1000, 200, 3400, 7)
    assert u.prompt_tokens == 17 + 1200 + 3400
    assert u.total_tokens == u.prompt_tokens + 7
    assert (u.service_tier, u.speed, u.inference_geo) == ("standard", "standard", "global")


def test_null_cache_fields_read_as_zero():
    u = usage_from_response({"input_tokens": 5, "output_tokens": 1, "cache_creation_input_tokens": None,
                             "cache_read_input_tokens": None, "cache_creation": None, "server_tool_use": None})
    assert u == Usage(input_tokens=5, output_tokens=1)


def test_split_that_does_not_add_up_is_malformed():
    with pytest.raises(MalformedUsageError, match="does not add up"):
        usage_from_response({"input_tokens": 1, "output_tokens": 1, "cache_creation_input_tokens": 10,
                             "cache_creation": {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 3}})


@pytest.mark.parametrize("bad", [-1, 1.5, "12", True])
def test_negative_or_non_integer_counts_are_malformed(bad):
    with pytest.raises(MalformedUsageError, match="output_tokens"):
        usage_from_response({"input_tokens": 1, "output_tokens": bad})


def test_missing_required_counts_are_malformed_not_zero():
    with pytest.raises(MalformedUsageError, match="no 'input_tokens'"):
        usage_from_response({"output_tokens": 3})
    with pytest.raises(MalformedUsageError, match="mapping or an SDK usage object"):
        usage_from_response(42)


def test_openai_chat_and_responses_shapes():
    chat = usage_from_response({"prompt_tokens": 30, "completion_tokens": 5, "total_tokens": 35,
                                "prompt_tokens_details": {"cached_tokens": 10}})
    assert (chat.input_tokens, chat.cache_read_tokens, chat.output_tokens) == (20, 10, 5)
    resp = usage_from_response({"input_tokens": 30, "output_tokens": 5, "total_tokens": 35,
                                "input_tokens_details": {"cached_tokens": 0}})
    assert (resp.input_tokens, resp.output_tokens) == (30, 5)


def test_stream_delta_overwrites_cumulative_counts_never_sums():
    start = {"input_tokens": 25, "cache_read_input_tokens": 100, "output_tokens": 1,
             "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0}}
    merged = merge_message_delta(start, {"output_tokens": 10})
    merged = merge_message_delta(merged, {"output_tokens": 15, "cache_read_input_tokens": None})
    assert merged["output_tokens"] == 15
    assert merged["input_tokens"] == 25 and merged["cache_read_input_tokens"] == 100
    assert start["output_tokens"] == 1  # the input is not mutated


def test_stream_delta_with_input_counts_overwrites_them():
    merged = merge_message_delta({"input_tokens": 2679, "output_tokens": 3},
                                 {"input_tokens": 10682, "output_tokens": 510,
                                  "server_tool_use": {"web_search_requests": 1}})
    u = usage_from_response(merged)
    assert (u.input_tokens, u.output_tokens, u.web_search_requests) == (10682, 510, 1)


def test_usages_add_field_by_field():
    a = Usage(input_tokens=1, cache_read_tokens=2, output_tokens=3, speed="standard")
    b = Usage(input_tokens=10, cache_write_1h_tokens=5, output_tokens=30, speed="fast")
    s = a + b
    assert (s.input_tokens, s.cache_read_tokens, s.cache_write_1h_tokens, s.output_tokens) == (11, 2, 5, 33)
    assert s.speed is None
