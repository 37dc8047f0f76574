"""Block lists grown by appends, then marked in place (``content[-1] = {**content[-1], "cache_control":
...}``) or by a helper that copies and marks them: the resolver cannot follow the list, but the function
building the request writes the marker (itself, or through the helper it calls), so the request is
taken as cached: silent (it used to read the unresolved list as the user's unmarked text)."""
import anthropic

client = anthropic.Anthropic()
HOUSE_STYLE = "Lead with what changed since yesterday, quote each figure with its source and date. " * 160


def digest(prompt: str, sources: list[str]):
    content = [{"type": "text", "text": prompt}]
    for source in sources:
        content.append({"type": "text", "text": source})
    content[-1] = {**content[-1], "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=8000, system=HOUSE_STYLE,
                                  messages=[{"role": "user", "content": content + [{"type": "text", "text": "Go."}]}])


def _with_breakpoint(content: list[dict]) -> list[dict]:
    shared = [dict(block) for block in content]
    shared[-1] = {**shared[-1], "cache_control": {"type": "ephemeral"}}
    return shared


def review(content: list[dict], draft: str):
    shared = _with_breakpoint(content)
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=8000, system=HOUSE_STYLE,
                                  messages=[{"role": "user", "content": shared + [{"type": "text", "text": draft}]}])


def run_week():
    for day in ("Monday", "Tuesday", "Wednesday"):
        digest(day, ["markets", "rates"])
        review([{"type": "text", "text": day}], "draft")
