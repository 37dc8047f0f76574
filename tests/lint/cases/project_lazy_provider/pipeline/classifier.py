"""Relations between entities, asked of the provider built on first use."""


class Classifier:
    def __init__(self) -> None:
        self._provider = None

    def _get_provider(self):
        if self._provider is None:
            from llm.config import get_provider

            self._provider = get_provider()
        return self._provider

    def classify(self, sentence: str) -> str:
        return self._get_provider().classify(sentence)
