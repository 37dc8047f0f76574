"""Every subscriber's daily digest: a job over data it reads itself, whoever starts it."""
import anthropic

client = anthropic.Anthropic()


def summarise_articles(articles):
    for article in articles:
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=150,  # TB401
                                   messages=[{"role": "user", "content": f"Summarise in two lines: {article}"}])
        article["summary"] = r.content[0].text
    return articles


def load_users():
    import json

    return json.load(open("users.json"))


def send_daily_digest(users):
    for user in users:
        summarise_articles(user.articles)


def headline(article):
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=40,
                               messages=[{"role": "user", "content": f"A headline for: {article}"}])
    return r.content[0].text
