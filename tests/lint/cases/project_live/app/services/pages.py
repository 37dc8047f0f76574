"""Audits the pages of one site, one request per page: whether that is batch work depends on who
runs it (here only the HTTP handler of app/routes/vercel.py, which streams progress to a waiting user)."""
import anthropic

client = anthropic.Anthropic()


def audit_pages(pages, send_event):
    results = []
    for number, page in enumerate(pages, start=1):  # per-request work: no TB401
        send_event({"stage": "auditing", "page": number})
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                   messages=[{"role": "user", "content": f"Audit this page: {page}"}])
        results.append(r.content[0].text)
    return results
