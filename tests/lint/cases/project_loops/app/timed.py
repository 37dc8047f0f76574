"""A benchmark helper that times its own request and returns the latency with the reply: the
caller keeping each latency is measuring speed (no batch can give it); a caller dropping it is not."""
import time

from anthropic import Anthropic

client = Anthropic()


def describe(path):
    t0 = time.perf_counter()
    msg = client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                 messages=[{"role": "user", "content": f"Describe the picture {path}."}])
    elapsed = time.perf_counter() - t0
    return msg.content[0].text, elapsed


def benchmark(paths):
    rows = []
    for path in paths:  # latency per image is the result: not a batch
        text, seconds = describe(path)
        rows.append({"path": path, "text": text, "seconds": seconds})
    return rows


def captions(paths):
    out = []
    for path in paths:  # the latency is dropped: an ordinary per-item job, a batch
        text, _ = describe(path)
        out.append(text)
    return out
