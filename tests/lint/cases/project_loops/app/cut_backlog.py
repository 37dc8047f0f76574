"""Jobs that cut their backlog before the loop: to one item unless a limit is given (and no caller
gives one: not batch work), or to what a caller asks for (batch work)."""
from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-sonnet-4-6"


class Processor:
    def fetch(self):
        return [f"article {i}" for i in range(500)]

    def check(self, article):  # reached only from the one-a-run loop
        return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": article}])

    def summarise(self, article):
        return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                      messages=[{"role": "user", "content": article}])

    def process(self, limit=None):
        articles = self.fetch()
        if limit:
            articles = articles[:limit]
        else:
            articles = articles[:1]  # one article per run by default
        for i, article in enumerate(articles, 1):
            self.check(article)

    def digest(self, limit=None):
        articles = self.fetch()
        if limit:
            articles = articles[:limit]
        else:
            articles = articles[:1]
        for article in articles:
            self.summarise(article)


def nightly():
    Processor().process()  # an instance made in place: a caller all the same
    processor = Processor()
    processor.digest(limit=200)  # the caller asks for 200: a batch
