"""Label rows with the model named on the command line; the default is another vendor's.

    python -m app.cli_switch --model claude-sonnet-4-5 rows.txt

The Anthropic branch runs only for a Claude id, so the gpt-4o default never reaches it: the id the
usage text names is the one to judge its prompt by (Sonnet 4.5 caches from 1,024 tokens).
"""
import argparse

import anthropic
import openai

GUIDE = "Label the row as billing, bug, feature or other, and say which product it is about. " * 110


def label(row, model, client):
    if model.startswith("claude-"):
        reply = client.messages.create(model=model, max_tokens=64, system=GUIDE,  # TB101
                                       messages=[{"role": "user", "content": row}])
        return reply.content[0].text
    reply = client.chat.completions.create(model=model, messages=[{"role": "system", "content": GUIDE},
                                                                  {"role": "user", "content": row}])
    return reply.choices[0].message.content


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="gpt-4o")
    parser.add_argument("rows")
    args = parser.parse_args()
    client = anthropic.Anthropic() if args.model.startswith("claude-") else openai.OpenAI()
    with open(args.rows) as fh:
        first = fh.readline()
    print(label(first, args.model, client))
