from .common import with_timeout
from .samplers.claude import ChatSampler


def chat() -> None:
    sampler: ChatSampler = ChatSampler()
    history: list[dict] = []
    while True:  # each turn carries the previous replies: a conversation, not a batch
        history.append({"role": "user", "content": input("> ")})

        def turn() -> str:  # handed to a helper that runs it once
            return sampler(history)

        reply = with_timeout(turn)
        history.append({"role": "assistant", "content": reply})
