"""A scheduled job: every pending article summarised, through whatever client it is given."""

from concurrent.futures import ThreadPoolExecutor

from feed.llm import LLMClient, create_client

SYSTEM = "Summarise the article in three sentences."


class Summarizer:
    def __init__(self, client: LLMClient | None = None):
        self.client = client or create_client("anthropic")

    def summarize_article(self, article: str) -> str:
        return self.client.generate(article, SYSTEM)

    def summarize_batch(self, articles: list[str]) -> list[str]:
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(self.summarize_article, a) for a in articles]
        return [f.result() for f in futures]


def describe_all(client, articles):
    return [client.describe(a) for a in articles]  # an untyped receiver: describe is not an LLMClient call
