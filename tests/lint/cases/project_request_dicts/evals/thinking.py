"""Requests that take optional keywords from a helper's returns: ``**self._thinking()``."""
import anthropic

SYSTEM = "You are a precise research-paper triage assistant. Answer in one short paragraph."


def _metadata(user):
    # every return names the same keys: nothing else can join the request
    if user:
        return {"metadata": {"user_id": user}}
    return dict(metadata={"user_id": "anonymous"})


class Triage:
    def __init__(self, budget=None, extra=None):
        self._client = anthropic.Anthropic()
        self._budget = budget
        self.extra = extra or {}

    def _thinking(self):
        # "thinking" or nothing: the marked system block is the whole prefix
        if self._budget is None:
            return {}
        return {"thinking": {"type": "enabled", "budget_tokens": self._budget}}

    def ask(self, text):
        return self._client.messages.create(
            model="claude-sonnet-4-6", max_tokens=4096,
            system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],  # TB102
            messages=[{"role": "user", "content": text}], **self._thinking())

    def ask_for(self, text, user):
        return self._client.messages.create(
            model="claude-sonnet-4-6", max_tokens=4096,
            system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],  # TB102
            messages=[{"role": "user", "content": text}], **_metadata(user))

    def ask_with_extra(self, text):
        # an attribute's dict: its keys are not known (tools, which precede the system prompt, may be among them)
        return self._client.messages.create(
            model="claude-sonnet-4-6", max_tokens=4096,
            system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": text}], **self.extra)

    def ask_with_options(self, text):
        # a helper returning something other than a dict display: still open
        return self._client.messages.create(
            model="claude-sonnet-4-6", max_tokens=4096,
            system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": text}], **self._options())

    def _options(self):
        return self.extra
