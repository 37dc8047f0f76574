import anthropic


class ClaudeCompleter:
    def __init__(self, api_key: str):
        self.client = anthropic.Anthropic(api_key=api_key)

    def complete(self, system: str, user: str) -> str:
        response = self.client.messages.create(  # TB401
            model="claude-sonnet-4-6", max_tokens=1024, system=system,
            messages=[{"role": "user", "content": user}])
        return response.content[0].text
