"""Each submission screened and then verified, its verdict stored on the submission itself: filling
the loop's own item is no history the next request reads."""

import json

import anthropic

client = anthropic.Anthropic()


def screen_one(text):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=400,  # TB401
                                   messages=[{"role": "user", "content": f"Screen this essay: {text}"}])
    return json.loads(reply.content[0].text)


def verify_one(claims):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=400,  # TB401
                                   messages=[{"role": "user", "content": f"Verify these claims: {claims}"}])
    return json.loads(reply.content[0].text)


def is_duplicate(story, kept):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=5,
                                   messages=[{"role": "user", "content": f"Is {story} one of {kept}? yes/no"}])
    return reply.content[0].text.strip() == "yes"


def screen_all(submissions):
    for idx, sub in enumerate(submissions, 1):
        text = sub.get("text", "")
        parsed = screen_one(text)
        if parsed is None:
            continue
        sub["screening"] = parsed
    return submissions


def verify_all(candidates, indices):
    for idx in indices:
        cand = candidates[idx]
        parsed = verify_one(cand.get("claims", []))
        if parsed is None:
            continue
        cand["verdict"] = parsed
    return candidates


def keep_new(stories):
    kept = []
    for story in stories:
        duplicate = is_duplicate(story, kept)  # the next request reads what this one let through
        if duplicate:
            continue
        kept.append(story)
    return kept
