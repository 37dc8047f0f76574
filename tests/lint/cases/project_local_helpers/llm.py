"""Request helpers called from local functions: a retry-decorated ``def api`` defined beside the
loop that calls it, in a ``__main__`` block or inside a function (the shape of eval harnesses).
A call marked TB401 is reached per item through such a local function; the others are not."""
import anthropic

client = anthropic.Anthropic()
MODEL = "claude-haiku-4-5"


def ask(prompt):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": prompt}])  # TB401


def judge(prompt):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": prompt}])  # TB401


def ask_once(prompt):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": prompt}])


def chat(prompt):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": prompt}])


def shadowed(prompt):
    return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": prompt}])


async_client = anthropic.AsyncAnthropic()


async def chat_async(prompt):
    return await async_client.messages.create(model=MODEL, max_tokens=300,
                                              messages=[{"role": "user", "content": prompt}])
