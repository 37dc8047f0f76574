def score(model, samples):
    """Every sample an independent request: a batch at half price."""
    hits = 0
    for sample in samples:
        hits += model.answer(sample["question"]).strip() == sample["answer"]
    return hits / len(samples)


def converse(model):
    """Each reply is fed back into the next request: a conversation, not a batch."""
    history = []
    while True:
        history.append({"role": "user", "content": input("> ")})
        history.append({"role": "assistant", "content": model.chat(history)})
