"""Reviews one contract clause: who loops over the clauses decides whether it is batch work."""
import anthropic

client = anthropic.Anthropic()


def review_clause(clause):
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,  # TB401
                               messages=[{"role": "user", "content": f"Review this clause: {clause}"}])
    return r.content[0].text


def check_term(term):
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=300,
                               messages=[{"role": "user", "content": f"Is this term standard? {term}"}])
    return r.content[0].text
