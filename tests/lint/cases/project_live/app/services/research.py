"""A weekly research run over every collected signal, and a one-upload categoriser."""
import anthropic

client = anthropic.Anthropic()


def classify_signals(signals):
    return [client.messages.create(model="claude-sonnet-5-5", max_tokens=200,  # TB401
                                   messages=[{"role": "user", "content": f"Classify: {s}"}]) for s in signals]


def run_research(track):
    return classify_signals(open(f"signals/{track}.txt").read().splitlines())


def categorise(rows):
    return [client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": f"Category of: {r}"}]) for r in rows]


def summarise_rows(rows):
    return [client.messages.create(model="claude-sonnet-5-5", max_tokens=100,
                                   messages=[{"role": "user", "content": f"Summarise: {r}"}]) for r in rows]


def tag_rows(rows):
    return [client.messages.create(model="claude-sonnet-5-5", max_tokens=20,
                                   messages=[{"role": "user", "content": f"Tag: {r}"}]) for r in rows]
