"""An OpenAI-compatible client sending other vendors' models: nothing to report.

(The engine decides this from the ast and skips the libcst parse; every call here is silent.)
"""
from openai import OpenAI

client = OpenAI(base_url="https://api.groq.com/openai/v1")
router = OpenAI(base_url="https://openrouter.ai/api/v1")


class Tutor:
    def __init__(self):
        self.messages = [{"role": "system", "content": "You are a patient maths tutor."}]

    def ask(self, question):
        self.messages.append({"role": "user", "content": question})
        reply = client.chat.completions.create(model="llama3-70b-8192", messages=self.messages, max_tokens=64000)
        return reply.choices[0].message.content


def summarise_all(rows):
    out = []
    for row in rows:
        out.append(router.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": row}]))
    return out


def structured(text, schema):
    return client.beta.chat.completions.parse(model="gemini-2.0-flash", messages=[{"role": "user", "content": text}],
                                              response_format=schema)
