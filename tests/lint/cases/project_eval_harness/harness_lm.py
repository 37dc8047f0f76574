import anthropic


def retry_on(*exceptions):
    def decorate(fn):
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)
        return wrapper
    return decorate


def claude_chat(client, model: str, prompt: str, max_tokens: int) -> str:
    @retry_on(anthropic.RateLimitError)
    def messages() -> str:  # defined here, called once below: the loop is in this function's callers
        reply = client.messages.create(model=model, max_tokens=max_tokens,  # TB401
                                       messages=[{"role": "user", "content": prompt}])
        return reply.content[0].text

    return messages()


def claude_describe(client, model: str) -> str:
    @retry_on(anthropic.RateLimitError)
    def ask() -> str:  # the same shape, but its function runs once per run
        reply = client.messages.create(model=model, max_tokens=1024,
                                       messages=[{"role": "user", "content": "Describe the benchmark."}])
        return reply.content[0].text

    return ask()


class ClaudeLM:
    def __init__(self, model: str = "claude-sonnet-4-6") -> None:
        self.client = anthropic.Anthropic()
        self.model = model

    def generate_until(self, requests: list[str]) -> list[str]:
        print(claude_describe(self.client, self.model))
        out = []
        for prompt in requests:  # one request per eval prompt, answers kept: a batch
            out.append(claude_chat(self.client, self.model, prompt, max_tokens=1024))
        return out
