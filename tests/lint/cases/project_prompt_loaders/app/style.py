"""System blocks assembled by a helper method; the model ids carry made-up snapshot dates."""
import anthropic

GUIDE = """You are a style analyst. Rate how well a product fits a shopper's taste on a 1-10 scale,
name the two strongest matching traits and the one weakest, and keep every reason to one sentence.
Consider colour, cut, fabric, formality, season and price band; ignore brand names entirely.
""" * 8
SCHEMA = """Reply with a JSON object: {"score": <1-10>, "matches": ["..", ".."], "mismatch": ".."}.
Do not wrap it in markdown and add no text before or after it."""


class Analyst:
    HAIKU = "claude-haiku-4-5-20250929"  # Haiku 4.5 with a wrong date: its 4,096-token minimum applies
    OLD = "claude-haiku-4-20250414"  # no such line at all: nothing tells which minimum applies

    def __init__(self, enable_cache=True):
        self.client = anthropic.Anthropic()
        self.enable_cache = enable_cache

    def _blocks(self):
        blocks = [{"type": "text", "text": GUIDE}]
        blocks.append({"type": "text", "text": SCHEMA,
                       "cache_control": {"type": "ephemeral"} if self.enable_cache else None})
        if not self.enable_cache:
            blocks = [{k: v for k, v in b.items() if v is not None} for b in blocks]
        return blocks

    def rate(self, product):
        return self.client.messages.create(
            model=self.HAIKU, max_tokens=256,
            system=self._blocks(),  # TB102
            messages=[{"role": "user", "content": product}])

    def rate_old(self, product):
        return self.client.messages.create(
            model=self.OLD, max_tokens=256,
            system=self._blocks(),
            messages=[{"role": "user", "content": product}])
