"""A model chosen on the command line: the option's default runs unless the user passes --model."""
import argparse

import anthropic

client = anthropic.Anthropic()


class Agent:
    def __init__(self, model):
        self.model = model

    def ask(self, q):
        return client.messages.create(model=self.model, max_tokens=400,  # TB302
                                      messages=[{"role": "user", "content": q}])


class App:
    def __init__(self, model="claude-3-haiku-20240307"):
        self.model = model

    def start(self, q):
        return Agent(self.model).ask(q)  # what App was built with: the option's default


class QuickAgent:
    def __init__(self, model):
        self.model = model

    def ask(self, q):
        return client.messages.create(model=self.model, max_tokens=400,  # the option's default is current
                                      messages=[{"role": "user", "content": q}])


class ReplacedAgent:
    def __init__(self, model):
        self.model = model

    def ask(self, q):
        return client.messages.create(model=self.model, max_tokens=400,  # set_defaults may replace it
                                      messages=[{"role": "user", "content": q}])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-m", "--model", default="claude-3-opus-20240229")
    parser.add_argument("--quick-model", default="claude-haiku-5-5")
    args = parser.parse_args()
    App(model=args.model).start("hi")
    QuickAgent(args.quick_model).ask("hi")


def other():
    other_parser = argparse.ArgumentParser()
    other_parser.add_argument("--model", default="claude-3-opus-20240229")
    other_parser.set_defaults(model="claude-sonnet-5-5")
    opts = other_parser.parse_args()
    ReplacedAgent(opts.model).ask("hi")


class RequiredAgent:
    def __init__(self, model):
        self.model = model

    def ask(self, q):
        return client.messages.create(model=self.model, max_tokens=400,  # a required option: always the user's
                                      messages=[{"role": "user", "content": q}])


def required_main():
    required_parser = argparse.ArgumentParser()
    required_parser.add_argument("--model", default="claude-3-opus-20240229", required=True)
    required_opts = required_parser.parse_args()
    RequiredAgent(required_opts.model).ask("hi")
