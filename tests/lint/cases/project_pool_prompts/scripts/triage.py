"""One request per ticket, run in a thread pool: the system prompt read from prompts/triage.md is
what main() hands to each worker through pool.submit."""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anthropic

PROMPT_PATH = Path(__file__).resolve().parents[1] / "prompts" / "triage.md"


def triage_one(client, system, ticket):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=200,  # TB401
                                  system=system,  # TB101
                                  messages=[{"role": "user", "content": ticket}])


def main(tickets):
    system = PROMPT_PATH.read_text()
    client = anthropic.Anthropic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(triage_one, client, system, t) for t in tickets]
    return [f.result() for f in futures]
