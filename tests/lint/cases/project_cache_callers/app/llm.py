"""A wrapper that marks the system prompt for caching unless the caller switches it off. Its callers
(email.py, deck.py) pass short prompts whose fields are bounded by their declarations: a Literal
theme, a dataclass field with a label default. Every caller that caches sends a prefix far below
claude-sonnet-4-6's 1,024-token minimum, so the marker caches nothing (TB102); the rewrite caller
switches caching off and does not count. ``complete_notes`` has a caller whose field is free text:
its size is unknown, so nothing is said; nor for ``complete_styled`` and ``brief``, whose label
defaults (``tone: str = "friendly"``, ``style: str = "plain"``) are not what their callers pass
(a whole manual, read at run time)."""
import anthropic

SONNET = "claude-sonnet-4-6"


class Client:
    def __init__(self):
        self._client = anthropic.Anthropic()

    def complete(self, *, system, user, model=SONNET, cache_system=True):
        block = {"type": "text", "text": system,
                 **({"cache_control": {"type": "ephemeral"}} if cache_system else {})}
        return self._client.messages.create(
            model=model, max_tokens=512,
            system=[block],  # TB102
            messages=[{"role": "user", "content": user}])

    def complete_notes(self, *, system, user, model=SONNET):
        return self._client.messages.create(
            model=model, max_tokens=512,
            system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": user}])

    def complete_styled(self, *, system, user, model=SONNET):
        return self._client.messages.create(
            model=model, max_tokens=512,
            system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": user}])

    def brief(self, user, tone: str = "friendly"):
        return self._client.messages.create(
            model=SONNET, max_tokens=512,
            system=[{"type": "text", "text": f"You write briefs. Tone: {tone}.", "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": user}])
