"""The answer tag named as a block in backticks: "wrap your summary in a `<summary></summary>` block"."""
import anthropic

client = anthropic.AsyncAnthropic()

COMPACTION_PROMPT = (
    "Please write a summary of the transcript so you can continue the task later. "
    "You must wrap your summary in a `<summary></summary>` block."
)
CODE_PROMPT = "Write the patch for the failing test. Wrap the code in a `<code>` block."


async def summarize(transcript):
    response = await client.messages.create(  # TB205
        model="claude-haiku-4-5", max_tokens=4000,
        messages=[{"role": "user", "content": f"{transcript}\n\n{COMPACTION_PROMPT}"}])
    text = response.content[0].text
    return text.split("<summary>", 1)[1].split("</summary>", 1)[0]


async def summarize_stopped(transcript):
    return await client.messages.create(
        model="claude-haiku-4-5", max_tokens=4000, stop_sequences=["</summary>"],
        messages=[{"role": "user", "content": f"{transcript}\n\n{COMPACTION_PROMPT}"}])


async def patch(failure):
    # the code block is a part of the answer, not the whole answer: no stop sequence
    return await client.messages.create(
        model="claude-haiku-4-5", max_tokens=4000,
        messages=[{"role": "user", "content": f"{failure}\n\n{CODE_PROMPT}"}])
