"""One voice command: stream Claude's reply, run the tools it asks for, loop until it answers."""
import anthropic

from .tools import claude_schemas

SYSTEM_PROMPT = (
    "You are Desk, a voice assistant that runs on the user's own computer. Answer in one or two short "
    "spoken sentences: the reply is read aloud. Use the tools to look at files and the web instead of "
    "guessing, and say what you did in plain words. Ask before anything that changes or deletes a file."
)


class Brain:
    def __init__(self) -> None:
        self.client = anthropic.AsyncAnthropic()
        self.messages: list[dict] = []

    async def turn(self) -> list:
        async with self.client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024,
                                               system=SYSTEM_PROMPT, tools=claude_schemas(),  # TB101
                                               messages=self.messages) as stream:
            return [event async for event in stream]
