"""A benchmark script: its module-level loop looks the model id up for each entry it goes over."""
import json
import sys

import anthropic

client = anthropic.Anthropic()
MODEL_LINKS = {"claude-3-5-sonnet": "claude-3-5-sonnet-20240620"}


def ask(question, model_link):
    return client.messages.create(model=model_link, max_tokens=512,  # TB302 TB401
                                  messages=[{"role": "user", "content": question}])


for name in ["claude-3-5-sonnet"]:
    link = MODEL_LINKS[name]
    with open(sys.argv[1]) as f:
        for row in json.load(f):
            print(ask(row["question"], link).content[0].text)
