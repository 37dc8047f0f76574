"""The model comes from the conversation row. Every model the code names needs 4,096 tokens: the
~2,800-token prompt is cached by none of them, uncached (no TB101) or marked (TB102)."""
import anthropic

from bot import config

client = anthropic.Anthropic()


def reply(conversation, text):
    system = config.PROMPTS.get(conversation.prompt_key, config.PROMPTS["default"])
    return client.messages.create(
        model=conversation.model, max_tokens=1024, system=system,
        messages=[{"role": "user", "content": text}])


def reply_marked(conversation, text):
    return client.messages.create(
        model=conversation.model, max_tokens=1024,
        system=[{"type": "text", "text": config.PROMPTS["default"],  # TB102
                 "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": text}])
