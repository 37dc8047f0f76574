"""A weekly news run: every fetched article is summarized, the relevant ones translated. `--limit`
caps the translations only when the user gives one (off by default: every article is sent); a cap
on the hits that cannot be switched off ends a search."""
import anthropic

client = anthropic.Anthropic()
MODEL = "claude-haiku-4-5"


class Stats:
    translated = 0


def summarize(article):
    return client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                  messages=[{"role": "user", "content": f"Summarize this customs notice:\n{article}"}])


def translate(text):
    return client.messages.create(model=MODEL, max_tokens=2000,  # TB401
                                  messages=[{"role": "user", "content": f"Translate into Hebrew:\n{text}"}])


def run(articles, limit=None):
    stats = Stats()
    for article in articles:
        if limit is not None and stats.translated >= limit:
            break
        summary = summarize(article).content[0].text
        if "tariff" in summary:
            translate(summary)
            stats.translated += 1
    return stats


def headline(article):
    return client.messages.create(model=MODEL, max_tokens=100,
                                  messages=[{"role": "user", "content": f"Write a headline for:\n{article}"}])


def first_two_headlines(articles):
    stats, found = Stats(), []
    for article in articles:
        if stats.translated >= 2:  # no switch: the run stops after two hits
            break
        text = headline(article).content[0].text
        if "tariff" in text:
            found.append(text)
            stats.translated += 1
    return found
