"""A retry decorator applied by hand in ``__init__`` and kept on the instance: each call of
``self._classify`` runs ``_classify_once``, so the loop over tickets sends one request per ticket.
A memo kept the same way (``lru_cache(...)(self._summarise_once)``) makes a repeat free."""
import functools

from anthropic import Anthropic
from tenacity import retry, stop_after_attempt, wait_exponential

client = Anthropic()
MODEL = "claude-haiku-4-5"


class Classifier:
    def __init__(self):
        self._classify = retry(stop=stop_after_attempt(3), wait=wait_exponential())(self._classify_once)
        self._summary = functools.lru_cache(maxsize=256)(self._summarise_once)

    def classify(self, ticket):
        return self._classify(ticket)

    def summarise(self, ticket):
        return self._summary(ticket)

    def _classify_once(self, ticket):
        return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                      messages=[{"role": "user", "content": ticket}])

    def _summarise_once(self, ticket):
        return client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": ticket}])


def triage(tickets):
    classifier = Classifier()
    for ticket in tickets:
        print(classifier.classify(ticket), classifier.summarise(ticket))
