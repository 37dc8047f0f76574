from support_desk.answers import answer, answer_cached


def test_uncached_answers_pay_for_the_knowledge_base_every_time(api, fake_llm_server, token_usage):
    fake_llm_server.text = "Go to Members > Security and reset 2FA for the member."
    fake_llm_server.set_usage(input=2_520, output=40)  # what the API reports without caching

    answer("How do I reset 2FA?", api=api)
    answer("Why was I charged twice?", api=api)

    assert token_usage.input_tokens == 5_040
    assert token_usage.cache_read_tokens == 0


def test_cached_answers_read_the_knowledge_base_from_cache(api, fake_llm_server, token_usage):
    fake_llm_server.text = "Go to Members > Security and reset 2FA for the member."
    fake_llm_server.set_usage(input=26, output=40, cache_write_5m=2_494)  # first call writes the cache
    answer_cached("How do I reset 2FA?", api=api)
    fake_llm_server.set_usage(input=26, output=40, cache_write_5m=0, cache_read=2_494)  # the second reads it
    answer_cached("Why was I charged twice?", api=api)

    assert token_usage.cache_write_tokens == 2_494
    assert token_usage.cache_read_tokens == 2_494
    # Half of the knowledge-base tokens were read from cache: 2,494 of 52 + 2,494 + 2,494 prompt tokens.
    assert token_usage.cache_hit_rate == 2_494 / 5_040
