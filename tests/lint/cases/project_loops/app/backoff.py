"""A retry wrapper that passes ``**kwargs`` on and returns the reply unread: whether the request
streams is what its callers pass. ``ask`` leaves ``stream`` out (TB401, for the loop in
backoff_runner.py); ``ask_streaming`` hands its caller's stream flag on (silent)."""
import anthropic

client = anthropic.Anthropic()


def with_backoff(**kwargs):
    response = client.messages.create(**kwargs)  # TB401
    return response


def ask(prompt):
    reply = with_backoff(model="claude-haiku-4-5", max_tokens=100, messages=[{"role": "user", "content": prompt}])
    return reply.content[0].text


def streamed(**kwargs):
    return client.messages.create(**kwargs)


def ask_streaming(prompt, live):
    return streamed(model="claude-haiku-4-5", max_tokens=100, stream=live,
                    messages=[{"role": "user", "content": prompt}])
