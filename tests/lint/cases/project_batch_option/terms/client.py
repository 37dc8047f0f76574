"""Two commands classify glossary terms one request at a time. `extract` does so only with --sync:
its default sends the same terms as one Message Batch, so the per-term loop is the opt-in path a
user picks to wait for the answers (silent; after notno/corpora). `tag` batches only when asked
(`--batch`): its default is the per-term loop, a batch candidate (TB401; after calvinmcelvain/ai-irpd).
`define` returns early with the per-term loop only when the account cannot batch, before the code
that sends one Message Batch: the loop is the fallback beside the batch (silent; after uib-ub/AI-NRE-System)."""
import anthropic

client = anthropic.Anthropic()


def classify_term(term):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Classify the term: {term}"}])


def tag_term(term):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Tag the term: {term}"}])


def define_term(term):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Define the term: {term}"}])


def submit_batch(terms):
    return client.messages.batches.create(requests=[
        {"custom_id": str(i), "params": {"model": "claude-haiku-4-5", "max_tokens": 300,
                                         "messages": [{"role": "user", "content": f"Classify the term: {t}"}]}}
        for i, t in enumerate(terms)])
