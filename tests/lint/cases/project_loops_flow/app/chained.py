"""Chains: each request reads what the one before it returned. A loop over files that runs one
chain per file is a loop over chains, not over independent requests."""
import anthropic

client = anthropic.Anthropic()


def extract(chunk, context):
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=4000, messages=[
        {"role": "user", "content": f"Context so far:\n{context}\n\nExtract the blocks of:\n{chunk}"}])
    return reply.content[0].text.splitlines()


def tail(blocks):
    return "\n".join(blocks[-5:])


def run_document(chunks):
    def call_extractor(chunk, prev_tail):
        for attempt in range(3):
            try:
                return extract(chunk, prev_tail)
            except anthropic.APIConnectionError:
                continue
        return []

    def extract_sequential(chunk, prev_tail):
        return call_extractor(chunk, prev_tail)

    prev_tail, out = "", []
    for chunk in chunks:
        blocks = extract_sequential(chunk, prev_tail)
        prev_tail = tail(blocks)
        out.extend(blocks)
    return out


def run_folder(documents):
    return [run_document(doc) for doc in documents]


def summarize(doc):
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=400, messages=[  # TB401
        {"role": "user", "content": f"Summarize:\n{doc}"}])
    return reply.content[0].text


def summarize_all(docs):
    results = []
    for doc in docs:
        text = doc.strip()
        summary = summarize(text)
        text = summary.upper()
        results.append(text)
    return results
