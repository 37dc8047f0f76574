"""Calls that look like Messages calls but are not: none of these may be reported."""
import openai
from twilio.rest import Client

twilio = Client("sid", "token")
twilio.messages.create(body="Your code is 1234", to="+15551234567", from_="+15557654321")

oa = openai.OpenAI()
oa.beta.threads.messages.create(thread_id="thread_abc", role="user", content="hello")
oa.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])


def send_sms(client, to):
    # a client passed in, without Anthropic-shaped arguments: not an LLM call
    return client.messages.create(body="hi", to=to)


class Inbox:
    def __init__(self):
        self.messages = []

    def create(self, **kw):
        return kw


def django_like(Message):
    return Message.objects.create(text="x", max_tokens=5)
