"""A client wrapper whose methods the runners receive as plain callables."""

import anthropic


class AiClient:
    def __init__(self):
        self.client = anthropic.Anthropic()

    def claude_call(self, messages: list[dict], model: str = "claude-haiku-4-5") -> str:
        # handed as a bound method (classifier=ai.claude_call) to a runner that calls it per row
        out = self.client.messages.create(model=model, max_tokens=20, messages=messages)  # TB401
        return out.content[0].text

    def grade(self, answer: str) -> str:
        # reached only through judge.py's lazy getter: _get_client().grade(a) per answer
        out = self.client.messages.create(model="claude-haiku-4-5", max_tokens=20,  # TB401
                                          messages=[{"role": "user", "content": f"Grade: {answer}"}])
        return out.content[0].text

    def quick_call(self, text: str) -> str:
        # handed the same way to a function that calls it once: one request
        out = self.client.messages.create(model="claude-haiku-4-5", max_tokens=20,
                                          messages=[{"role": "user", "content": text}])
        return out.content[0].text


def summarize(doc: str) -> str:
    # handed to map_docs, imported through the package's re-export
    out = anthropic.Anthropic().messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                                messages=[{"role": "user", "content": doc}])
    return out.content[0].text


def ask(model: str, text: str) -> str:
    # wrapped in a lambda handed to run_all, which passes it on to the helper its loop calls
    out = anthropic.Anthropic().messages.create(model=model, max_tokens=200,  # TB401
                                                messages=[{"role": "user", "content": text}])
    return out.content[0].text


def ask_once(text: str) -> str:
    # wrapped in a lambda handed to check_one, which calls it once: one request
    out = anthropic.Anthropic().messages.create(model="claude-haiku-4-5", max_tokens=200,
                                                messages=[{"role": "user", "content": text}])
    return out.content[0].text
