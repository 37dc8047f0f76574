"""Static prefixes near claude-sonnet-4-6's minimum cacheable length (1,024 tokens).

The cl100k estimate runs below Claude's own count, yet a prefix estimated within 5% of the minimum
is too close to call: TB101 and TB105 need the estimate 5% above it; a marker is called useless
(TB102) only when the prefix stays short even if Claude counts ~35% more than the estimate.
"""
import anthropic

client = anthropic.Anthropic()
RULE = "Translate every heading, table cell and footnote to English. "
PAGE_RULES = RULE * 100  # ~1,101 tokens by cl100k: 7.5% above the minimum
NEAR_RULES = RULE * 94  # ~1,035 tokens: at the minimum, within 5% of it: too close to call
SHORT_RULES = RULE * 80  # ~881 tokens: below it
TINY_RULES = RULE * 50  # ~550 tokens: below it even at +35%


def translate_page(png_b64):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4096,
        messages=[{"role": "user", "content": [  # TB105
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png_b64}},
            {"type": "text", "text": PAGE_RULES}]}])


def translate_short_page(png_b64):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4096,
        messages=[{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png_b64}},
            {"type": "text", "text": SHORT_RULES}]}])


def translate_text(text):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4096, system=PAGE_RULES,  # TB101
        messages=[{"role": "user", "content": text}])


def translate_near_text(text):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4096, system=NEAR_RULES,
        messages=[{"role": "user", "content": text}])


def translate_short_text(text):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4096, system=SHORT_RULES,
        messages=[{"role": "user", "content": text}])


def translate_marked_short(text):
    # ~881 tokens: Claude may count 1,024 or more, so the marker may well cache: not called useless
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4096,
        system=[{"type": "text", "text": SHORT_RULES, "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": text}])


def translate_marked_tiny(text):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4096,
        system=[{"type": "text", "text": TINY_RULES, "cache_control": {"type": "ephemeral"}}],  # TB102
        messages=[{"role": "user", "content": text}])


def answer_in_chat(history):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=2048,
        messages=[{"role": "user", "content": f"Chat so far:\n{history}\n\n{PAGE_RULES}"}])  # TB105


def research(history, now):
    # the instructions quote the time twice: ~1,760 tokens in all, but no run of them after the last
    # per-call value (the time) reaches the minimum as it is
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=2048,
        messages=[{"role": "user", "content": f"Chat so far:\n{history}\n{SHORT_RULES}\nNow: {now}.\n{SHORT_RULES}"}])
