"""A request's model is the caller's choice or else the service's default, kept on self."""
import anthropic

DEFAULT_MODEL = "claude-3-sonnet-20240229"
client = anthropic.Anthropic()


class ClaudeService:
    def __init__(self):
        self.default_model = DEFAULT_MODEL

    def chat(self, text, model_name=None):
        return client.messages.create(model=model_name or self.default_model, max_tokens=300,  # TB302
                                      messages=[{"role": "user", "content": text}])


class CurrentService:
    def __init__(self):
        self.default_model = "claude-sonnet-5-5"

    def chat(self, text, model_name=None):
        return client.messages.create(model=model_name or self.default_model, max_tokens=300,
                                      messages=[{"role": "user", "content": text}])
