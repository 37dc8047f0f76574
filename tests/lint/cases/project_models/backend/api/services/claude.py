import anthropic

from api.config import settings


class ClaudeService:
    def __init__(self):
        self.client = anthropic.Anthropic()
        self.model = settings.CLAUDE_MODEL

    def classify(self, message):
        return self.client.messages.create(model=self.model, max_tokens=300,  # TB302
                                           messages=[{"role": "user", "content": message}])


def legacy_untraced(client, text):
    return client.completions.create(model="claude-instant-1.2", max_tokens_to_sample=200,  # TB302
                                     prompt=f"\n\nHuman: {text}\n\nAssistant:")


def other_vendor_completion(llm, text):
    return llm.completions.create(model="gpt-3.5-turbo-instruct", prompt=text, max_tokens=200)
