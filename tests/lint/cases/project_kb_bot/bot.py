"""A chat bot that sends its whole knowledge base, read at import, before each question. The module
global starts as a placeholder (''); the request's text is rebound when the message is a reply,
but both versions start with the same instructions and knowledge base: a static prefix (TB101)."""
import anthropic

client = anthropic.Anthropic()

knowledge_base = ''
with open('knowledge-base.txt', 'r', encoding="utf-8") as file:
    knowledge_base = file.read()

INSTRUCTIONS = "You answer questions about the ape framework from the knowledge base below only."


def answer(question, replied_to=None):
    content = f"{INSTRUCTIONS}\n\n{knowledge_base}\n\n{question}"
    if replied_to:
        content = f"{INSTRUCTIONS}\n\n{knowledge_base}\n\nPrevious message: {replied_to}\n\nNew message: {question}"
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=1000,
                                  messages=[{"role": "user", "content": content}])  # TB101
