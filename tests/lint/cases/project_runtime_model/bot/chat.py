"""The model comes from the conversation row (a database): not one id. The code names Sonnet 4.6
(minimum 1,024) and Haiku 4.5 (4,096); the ~2,800-token prompt clears Sonnet's minimum, so a marker
pays on every Sonnet call and costs nothing on Haiku ones. The tools are built at run time and
taken to be the same on every call."""
import anthropic

from bot import config
from bot.tools import get_tools

client = anthropic.Anthropic()


def reply(conversation, history, web_search=True):
    system = config.PROMPTS.get(conversation.prompt_key, config.PROMPTS["default"])
    return client.messages.create(
        model=conversation.model, max_tokens=1024,
        system=system,  # TB101
        tools=get_tools(web_search), messages=history)


def reply_short(conversation, history):
    # a short prompt: below the lowest minimum the code names
    return client.messages.create(
        model=conversation.model, max_tokens=1024, system="Be concise.",
        tools=get_tools(), messages=history)
