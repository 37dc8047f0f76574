"""Audits a UI click runs together: one request per mode of the catalogue the user selected."""
import asyncio
import json
from pathlib import Path

import anthropic

client = anthropic.AsyncAnthropic()


def load_modes():
    return json.loads((Path(__file__).parent / "modes.json").read_text())


async def _audit(mode, profile):
    reply = await client.messages.create(model="claude-sonnet-5-5", max_tokens=800,  # a click's audits: silent
                                         messages=[{"role": "user", "content": f"Audit {profile} for {mode}"}])
    return reply.content[0].text


async def run_audits(selected_ids, profile):
    selected = [m for m in load_modes() if m["id"] in selected_ids]
    return await asyncio.gather(*[_audit(m, profile) for m in selected])
