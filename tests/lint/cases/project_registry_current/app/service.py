"""A client built with the model the caller validated against the catalog: one Claude record works."""
import anthropic

from app.registry import ModelCatalog


class ClaudeClient:
    def __init__(self, *, model):
        self._model = model
        self._client = anthropic.Anthropic()

    def ask(self, q):
        return self._client.messages.create(model=self._model, max_tokens=300,  # claude-opus-5-5 is current
                                            messages=[{"role": "user", "content": q}])


def create_client(model_id):
    info = ModelCatalog.lookup(model_id)
    return ClaudeClient(model=info.model_id)
