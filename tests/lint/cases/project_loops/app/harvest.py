"""Names that hold a retry word inside another word are items, not attempts: the entries of a
file, the passages a retriever found. A loop over attempts around the request is still a retry."""
import sys

import anthropic

client = anthropic.Anthropic()
MAX_RETRIES = 3


def extract_abstract(text):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=500,  # TB401
                                   messages=[{"role": "user", "content": f"Extract the abstract: {text}"}])
    return reply.content[0].text


def summarise_passage(passage):
    for attempt in range(MAX_RETRIES):
        try:
            reply = client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                           messages=[{"role": "user", "content": f"Summarise: {passage}"}])
            return reply.content[0].text
        except anthropic.APIError:
            continue
    return ""


def harvest(path):
    with open(path) as f:
        entries = f.read().split("\n\n")
    for entry in entries:
        print(extract_abstract(entry))


def digest(retrieved_passages):
    for passage in retrieved_passages:
        print(summarise_passage(passage))


if __name__ == "__main__":
    harvest(sys.argv[1])
    digest(open(sys.argv[2]).read().split("\n\n"))
