"""Two scheduled jobs call the same classifier per item. The watcher raises an alert as soon as an
item scores high: its results cannot wait for a batch (silent). The nightly report only collects
the scores and mails one digest after the loop: independent requests that can wait (TB401). The
prospect scorer only records an alert task in the CRM for a person to read later: it can wait too.
The message sync notifies the owner of each triaged message: neither its loop nor the loop over
users above it is batch work (silent)."""
import anthropic

client = anthropic.Anthropic()


def score(title):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=20,
                                  messages=[{"role": "user", "content": f"Rate 1-10: {title}"}])


def summarize(title):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                  messages=[{"role": "user", "content": f"Summarize: {title}"}])


def rate_prospect(name):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=20,  # TB401
                                  messages=[{"role": "user", "content": f"Wealth score 0-100: {name}"}])


def triage(message):  # each user's new messages, triaged and sent on at once, every few minutes
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,
                                  messages=[{"role": "user", "content": f"Triage: {message}"}])
