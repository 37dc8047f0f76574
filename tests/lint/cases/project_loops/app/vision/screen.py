"""Pages screened until three hits are in: a counter raised only on a hit ends a search (no TB401)."""
import anthropic

client = anthropic.Anthropic()


def first_hits(pages):
    found = 0
    hits = []
    for page in pages:
        if found >= 3:
            break
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=5,
                                   messages=[{"role": "user", "content": f"Does it mention a refund? {page}"}])
        if r.content[0].text.startswith("yes"):
            hits.append(page)
            found += 1
    return hits
