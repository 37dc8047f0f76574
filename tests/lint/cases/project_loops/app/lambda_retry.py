"""A request in a method handed, wrapped in a lambda, to a retry helper that runs it once: one request
per call of the method holding the lambda, so the loop over pairs two calls up sends one per pair."""
import time

from anthropic import Anthropic

client = Anthropic()
MODEL = "claude-haiku-4-5"


def _retry_transient(fn):
    for attempt in range(3):
        try:
            return fn()
        except TimeoutError:
            time.sleep(2 ** attempt)
    raise RuntimeError("gave up")


class Judge:
    def compare(self, answer_a, answer_b):
        return _retry_transient(lambda: self._call_api(answer_a, answer_b))

    def _call_api(self, answer_a, answer_b):
        return client.messages.create(model=MODEL, max_tokens=20,  # TB401
                                      messages=[{"role": "user", "content": f"A: {answer_a}\nB: {answer_b}"}])


def judge_all(pairs):
    judge = Judge()
    return [judge.compare(a, b) for a, b in pairs]


def ask_command(name, text):
    return client.messages.create(model=MODEL, max_tokens=200,
                                  messages=[{"role": "user", "content": f"/{name} {text}"}])


def make_command(name):
    def handler(text):  # answers one chat message when it comes
        return _retry_transient(lambda: ask_command(name, text))
    return handler


def register(bot, names):
    # a loop making one handler per command: no request is sent here (the handlers run per message)
    for name in names:
        bot.add_handler(name, make_command(name))
