"""A script that opens several files as f: the prompt is the one opened where it is read."""
import json
import os
import sys

import anthropic

client = anthropic.Anthropic()
here = os.path.dirname(__file__)
with open(os.path.join(here, "prompts", "style.txt"), encoding="utf-8") as f:
    style = f.read()
with open(sys.argv[1], encoding="utf-8") as f:
    places = json.load(f)
guides = []
for place in places:
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=4000, system=style,  # TB101 TB401
                                   messages=[{"role": "user", "content": f"A guide to {place}."}])
    guides.append(reply.content[0].text)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(guides, f)
