"""Every log line of a file, on the real provider."""
from triage.classifier import classify
from triage.llm.claude import AnthropicProvider


def label_all(path: str) -> list[str]:
    provider = AnthropicProvider()
    return [classify(line, provider) for line in open(path)]
