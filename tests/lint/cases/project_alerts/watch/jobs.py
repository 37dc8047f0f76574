from watch.llm import rate_prospect, score, summarize, triage
from watch.mail import create_alert_task, notify_owner, send_alert, send_email


def watch_feed(items):
    for item in items:
        reply = score(item["title"])
        if "9" in reply.content[0].text:
            send_alert(item["title"])


def nightly_report(items):
    lines = []
    for item in items:
        lines.append(summarize(item["title"]).content[0].text)
    send_email("Nightly report", "\n".join(lines))


def score_contacts(contacts):
    for name in contacts:
        reply = rate_prospect(name)
        if int(reply.content[0].text) >= 80:
            create_alert_task(name, reply.content[0].text)  # a task in the CRM: read later, not sent


def sync_user(user, messages):
    for message in messages:
        verdict = triage(message)
        notify_owner(user, verdict.content[0].text)  # the alert per message: not batch work


def sync_all(users, inbox):
    for user in users:  # a loop over sync_user's calls: each pass still alerts at once
        sync_user(user, inbox[user])
