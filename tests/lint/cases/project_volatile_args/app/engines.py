"""Request wrappers that cache the whole system prompt they are given as one block."""
import anthropic


class Planner:
    def __init__(self):
        self.client = anthropic.Anthropic()

    def plan(self, text, system_prompt):
        return self.client.messages.create(  # TB104
            model="claude-sonnet-4-6",
            max_tokens=1024,
            system=[{"type": "text", "text": system_prompt, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": text}],
        )


class Chat:
    def __init__(self):
        self.client = anthropic.Anthropic()

    @staticmethod
    def _cached_system(system_prompt):
        """The system prompt as one cached block."""
        return [{"type": "text", "text": system_prompt, "cache_control": {"type": "ephemeral"}}]

    def talk(self, text, system_prompt):
        return self.client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=512,
            system=self._cached_system(system_prompt),
            messages=[{"role": "user", "content": text}],
        )

    def respond(self, text, system_prompt):
        return self.client.messages.create(  # TB104
            model="claude-sonnet-4-6",
            max_tokens=512,
            system=self._cached_system(system_prompt),
            messages=[{"role": "user", "content": text}],
        )

    def note(self, text, system_prompt):
        return self.client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=512,
            system=[{"type": "text", "text": system_prompt, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": text}],
        )
