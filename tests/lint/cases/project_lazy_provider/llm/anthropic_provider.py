"""The Claude provider: llm/config.py builds it, two factories deep."""
import anthropic


class AnthropicProvider:
    def __init__(self, model: str = "claude-haiku-4-5") -> None:
        self.client = anthropic.Anthropic()
        self.model = model

    def complete(self, prompt: str) -> str:
        # generation/summaries.py: get_provider().complete(...), get_provider() returning what
        # _build_provider() returns; run.py calls it once per cluster
        reply = self.client.messages.create(model=self.model, max_tokens=400,  # TB401
                                            messages=[{"role": "user", "content": prompt}])
        return reply.content[0].text

    def classify(self, text: str) -> str:
        # pipeline/classifier.py: self._get_provider().classify(...), a lazy getter of
        # self._provider = get_provider(); run.py classifies every sentence
        reply = self.client.messages.create(model=self.model, max_tokens=300,  # TB401
                                            messages=[{"role": "user", "content": f"Relation in: {text}"}])
        return reply.content[0].text

    def caption(self, image_url: str) -> str:
        # pipeline/captions.py: self.provider = provider or get_provider(), then
        # self.provider.caption(...) for every image run.py lists
        reply = self.client.messages.create(model=self.model, max_tokens=200, messages=[  # TB401
            {"role": "user", "content": [{"type": "image", "source": {"type": "url", "url": image_url}}]}])
        return reply.content[0].text
