from watch.llm import score, summarize
from watch.mail import send_alert, send_email


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
