"""A legacy Text Completions benchmark run: the model is picked by a flag among retired ids
(every value the call may send is retired: TB302), and each question is one request of an
offline pass (TB401, once the call moves to messages.create)."""

import json
import os
import sys

import anthropic

client = anthropic.Anthropic()

if sys.argv[1:2] == ["v1"]:
    MODEL_NAME = "claude-v1"
elif sys.argv[1:2] == ["v2"]:
    MODEL_NAME = "claude-2"
else:
    raise SystemExit("usage: legacy_eval.py v1|v2 QUESTIONS.json")


def run(question):
    response = client.completions.create(  # TB401
        model=MODEL_NAME,  # TB302
        max_tokens_to_sample=512,
        prompt=f"{anthropic.HUMAN_PROMPT} {question}{anthropic.AI_PROMPT}",
    )
    return response.completion


class LegacyProvider:
    """The model a caller reads at run time is a legacy id too: the endpoint serves no other."""

    def __init__(self, model_name="claude-2.1"):
        self.model_name = model_name

    def complete(self, prompt):
        return client.completions.create(model=self.model_name, max_tokens_to_sample=300,  # TB302
                                         prompt=prompt).completion


def provider_from_env():
    return LegacyProvider(model_name=os.environ["LEGACY_MODEL"])


def main():
    with open(sys.argv[2]) as f:
        questions = json.load(f)
    with open("answers.jsonl", "w") as out:
        for q in questions:
            out.write(json.dumps({"id": q["id"], "answer": run(q["question"])}) + "\n")


if __name__ == "__main__":
    main()
