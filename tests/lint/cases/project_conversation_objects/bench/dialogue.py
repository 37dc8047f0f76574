"""A review driven one turn at a time: a generator the caller sends follow-ups into."""
import time

import anthropic

client = anthropic.Anthropic()


def clause_dialogue(contract: str):
    # a while True loop whose history grows with each reply (and each follow-up) is a conversation,
    # not one request re-sent until it passes: review_contracts' loop is not a batch of these
    messages = [{"role": "user", "content": f"Review, one clause at a time:\n{contract}"}]
    while True:
        try:
            reply = client.messages.create(model="claude-haiku-4-5", max_tokens=800, messages=messages)
        except anthropic.RateLimitError:
            time.sleep(15)
            continue
        parts = []
        for block in reply.content:
            if block.type == "text":
                parts.append(block.text)
        text = "\n".join(parts)
        messages.append({"role": "assistant", "content": [{"type": "text", "text": text}]})
        follow_up = yield text
        if follow_up is None:
            return
        messages.append({"role": "user", "content": follow_up})


def review_contracts(contracts: list[str]) -> list[str]:
    reviews = []
    for contract in contracts:
        dialogue = clause_dialogue(contract)
        reviews.append(next(dialogue))
        dialogue.close()
    return reviews
