"""A loop that makes a request for one of its items only: the item equal to a value, tested in the
loop, or through a flag the loop passes down ("is this the featured paper?"). Not a batch."""
from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-sonnet-4-6"


def ask(text):
    return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": text}])


def featured_only(papers, featured_id):
    for paper_id in papers:
        if paper_id == featured_id:  # the one item equal to it
            client.messages.create(model=MODEL, max_tokens=300, messages=[{"role": "user", "content": paper_id}])


def all_but_featured(papers, featured_id):
    for paper_id in papers:
        if paper_id != featured_id:  # every other item: a batch
            ask(paper_id)


def narrate(text, featured=False):
    if featured and text:  # every caller flags one item of its loop: silent
        return client.messages.create(model=MODEL, max_tokens=300,
                                      messages=[{"role": "user", "content": text}])
    return None


def summarize(paper_id, is_featured=False):
    summary = ask(paper_id)
    if is_featured:  # only the featured paper gets a narration, one level down
        narrate(summary, featured=True)
    return summary


def digest(papers, featured_id):
    for paper_id in papers:
        narrate(paper_id, featured=(paper_id == featured_id))
        is_featured = paper_id == featured_id
        summarize(paper_id, is_featured=is_featured)


def translate(text, english=False):
    if english:
        return client.messages.create(model=MODEL, max_tokens=300,  # TB401
                                      messages=[{"role": "user", "content": text}])
    return text


def by_language(docs):
    for doc in docs:
        translate(doc, english=(doc.lang == "en"))  # a field of the item: many documents are English
