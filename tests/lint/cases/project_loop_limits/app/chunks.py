"""Structures cleaned chunk by chunk: the run stops when a reply comes back cut off (an error, not a
search: when all goes well every chunk is sent). A loop that stops on what a reply says is a search."""
import anthropic

client = anthropic.Anthropic()


def send(chunk):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=8192,  # TB401
                                  messages=[{"role": "user", "content": f"Simplify these structures:\n{chunk}"}])


def clean_all(chunks, out):
    for key, chunk in chunks.items():
        reply = send(chunk)
        out.write(reply.content[0].text)
        if reply.stop_reason != "end_turn":
            print(f"chunk {key} stopped early: {reply.stop_reason}")
            break
        else:
            print(f"chunk {key} done")


def ask(question):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=50,
                                  messages=[{"role": "user", "content": f"Does this page answer it? {question}"}])


def first_answer(pages):
    for page in pages:
        reply = ask(page)
        if reply.content[0].text.startswith("yes"):
            print("found")
            break
