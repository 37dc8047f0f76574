from anthropic import AsyncAnthropic

client = AsyncAnthropic()
MODEL = "claude-haiku-4-5"


async def score_cell(prompt: str) -> str:  # one cell of a gathered grid
    reply = await client.messages.create(model=MODEL, max_tokens=100,  # TB401
                                         messages=[{"role": "user", "content": prompt}])
    return reply.content[0].text


async def score_task(prompt: str) -> str:  # made into tasks one by one, gathered later
    reply = await client.messages.create(model=MODEL, max_tokens=100,  # TB401
                                         messages=[{"role": "user", "content": prompt}])
    return reply.content[0].text


async def reply_to(prompt: str) -> str:  # awaited one after another in async code: live work
    reply = await client.messages.create(model=MODEL, max_tokens=100,
                                         messages=[{"role": "user", "content": prompt}])
    return reply.content[0].text
