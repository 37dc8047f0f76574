"""A chat session whose /model command may switch the model, only to an id of a written-out set."""
import anthropic

RETIRED_CHOICES = ["claude-2.1", "claude-3-5-sonnet-20240620"]


class RetiredSession:
    def __init__(self):
        self.client = anthropic.Anthropic()
        self.model = "claude-3-5-sonnet-20240620"

    def change_model(self, model):
        valid_models = {"claude-2.1", "claude-instant-1.2", "claude-3-5-sonnet-20240620"}
        if model in valid_models:
            self.model = model
            return True
        return False

    def send(self, history):
        return self.client.messages.create(model=self.model, max_tokens=500, messages=history)  # TB302


class ConstantChoices:
    def __init__(self):
        self.client = anthropic.Anthropic()
        self.model = "claude-3-haiku-20240307"

    def use(self, model):
        if model in RETIRED_CHOICES:
            self.model = model

    def send(self, history):
        return self.client.messages.create(model=self.model, max_tokens=500, messages=history)  # TB302


class CurrentChoice:
    def __init__(self):
        self.client = anthropic.Anthropic()
        self.model = "claude-3-5-sonnet-20240620"

    def change_model(self, model):
        if model in ("claude-3-5-sonnet-20240620", "claude-sonnet-5-5"):  # a current id the user can pick
            self.model = model

    def send(self, history):
        return self.client.messages.create(model=self.model, max_tokens=500, messages=history)


class UncheckedSwitch:
    def __init__(self):
        self.client = anthropic.Anthropic()
        self.model = "claude-3-5-sonnet-20240620"

    def change_model(self, model):
        self.model = model  # whatever the caller asks for: not pinned

    def send(self, history):
        return self.client.messages.create(model=self.model, max_tokens=500, messages=history)
