"""The classifier talks to whichever provider it is handed."""
from triage.llm.provider import LLMProvider


def classify(log: str, provider: LLMProvider) -> str:
    return provider.classify(log)


def explain(log: str, provider: LLMProvider) -> str:
    return provider.explain(log)
