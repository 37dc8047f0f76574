"""One metadata request per document; its loop is in app/extract_runner.py, which imports the
function from the package (from app.extract import extract_fields), not from this module."""
import anthropic

client = anthropic.Anthropic()


def extract_fields(prompt, chunk):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"{prompt}\n\n{chunk}"}])
