"""The Claude provider: main.py loads one module of llms/ by the LLM_PROVIDER variable."""
import anthropic


def get_client():
    return anthropic.Anthropic()


def correct_text(text, client):
    # ocr/scanner.py calls llm_module.correct_text(...) on the module main.py handed it, once per
    # scanned file: llms/local.py defines the same function, so the parameter holds either
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=2048,  # TB401
                                   messages=[{"role": "user", "content": f"Fix the OCR errors:\n{text}"}])
    return reply.content[0].text


def summarize(text, client):
    # only this provider defines summarize: a parameter's .summarize() is not known to be this one
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                                   messages=[{"role": "user", "content": f"Summarize:\n{text}"}])
    return reply.content[0].text
