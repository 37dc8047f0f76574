"""Each draft is shown to a person who approves it before the next item: an interactive loop one
call down, not batch work. The same drafting without the prompt is a batch."""
from anthropic import Anthropic

client = Anthropic()


def draft(question, answer):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=1500,  # TB401
                                  messages=[{"role": "user", "content": f"Q: {question}\nA: {answer}"}])


def review_gap(gap):
    text = draft(gap["question"], gap["answer"])
    print(text)
    if input("Apply? [y/N] ").strip().lower() == "y":
        open("policy.md", "a").write(text)


def review_all(gaps):
    for gap in gaps:  # a person approves each draft: not a batch
        review_gap(gap)


def save_gap(gap):
    open("drafts.md", "a").write(draft(gap["question"], gap["answer"]))


def draft_all(gaps):
    for gap in gaps:  # drafts written for later: a batch
        save_gap(gap)
