"""One summary of a cluster of passages."""


def summarize(passages: list[str]) -> str:
    from llm.config import get_provider

    return get_provider().complete("Summarize:\n" + "\n".join(passages))
