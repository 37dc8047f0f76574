import pytest

from support_desk.chat import is_urgent, stream_reply


def test_stream_reply_yields_the_whole_answer(api, fake_llm_server, token_usage):
    fake_llm_server.text = "Thanks for reaching out, I have reset your password."
    fake_llm_server.set_usage(input=120, output=14)

    text = "".join(stream_reply([{"role": "user", "content": "I cannot log in"}], api=api))

    assert text == "Thanks for reaching out, I have reset your password."
    assert token_usage.output_tokens == 14
    assert token_usage.records[0].streamed


def test_urgent_tickets_are_flagged(api, fake_llm_server, token_budget):
    fake_llm_server.text = "yes"
    fake_llm_server.set_usage(input=30, output=1)
    with token_budget(usd=0.01, calls=1) as spent:
        assert is_urgent("Production is down for all our users", api=api)
    assert spent.calls == 1
