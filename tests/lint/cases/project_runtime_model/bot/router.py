"""The model is picked per message among ids the code spells out (the call's own choices): the
finding must hold for every request it sends, so the largest minimum among them counts."""
import anthropic

from bot import config

client = anthropic.Anthropic()


def _model_for(text):
    if len(text) < 40:
        return "claude-haiku-4-5"  # minimum 4,096: the ~3,000-token prompt is not cached on these
    return "claude-sonnet-4-6"


def route(text, history):  # clears Sonnet's 1,024 but not Haiku's 4,096: silent
    return client.messages.create(model=_model_for(text), max_tokens=1024, system=config.PROMPTS["default"],
                                  messages=history)


def _tier(text):
    if "code" in text:
        return "claude-opus-4-8"
    return "claude-sonnet-4-6"


def route_tiers(text, history):  # both minimums are 1,024: every request can cache the prompt
    return client.messages.create(model=_tier(text), max_tokens=1024,
                                  system=config.PROMPTS["default"],  # TB101
                                  messages=history)
