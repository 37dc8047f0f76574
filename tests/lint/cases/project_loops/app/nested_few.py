"""Loops over handfuls nested in other loops: a product of handfuls is a batch once it passes ten
requests, a small product is a sweep; a sweep inside a loop over items is looked through."""
from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-sonnet-4-6"
CATEGORIES = ["procurement", "operations", "policy", "technology", "industry"]
DOMAINS = ["air", "land", "sea", "cyber", "space", "multi"]
TONES = ("plain", "formal")
LENGTHS = ("short", "medium", "long")


def generate(category, domain):
    return client.messages.create(model=MODEL, max_tokens=800,  # TB401
                                  messages=[{"role": "user", "content": f"Write a {category} story about {domain}."}])


def dataset():
    # 5 x 6 = 30 independent requests: an offline dataset, one Message Batch
    return [generate(c, d) for c in CATEGORIES for d in DOMAINS]


def styled(tone, length):
    # 2 x 3 = 6 settings of one text: a sweep
    return client.messages.create(model=MODEL, max_tokens=800,
                                  messages=[{"role": "user", "content": f"Say hello, {tone}, {length}."}])


def sweep():
    out = []
    for tone in TONES:
        for length in LENGTHS:
            out.append(styled(tone, length))
    return out


def review(doc, aspect):
    return client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                  messages=[{"role": "user", "content": f"Review the {aspect} of:\n{doc}"}])


def review_all(docs):
    # two aspects per document (a sweep looked through), for every document
    results = {}
    for doc in docs:
        for aspect in ("tone", "facts"):
            results[(doc, aspect)] = review(doc, aspect)
    return results


def grade(doc, rubric):
    return client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                  messages=[{"role": "user", "content": f"Grade {doc} for {rubric}."}])


def grade_all(docs):
    # the rubrics are a sweep: one grade per document and rubric
    return [grade(d, r) for r in ("clarity", "accuracy") for d in docs]
