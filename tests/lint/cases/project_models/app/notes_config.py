"""A config object built by a classmethod and stored on self: env overrides only run when the variable is set."""
import os
from dataclasses import dataclass

import anthropic

client = anthropic.Anthropic()


@dataclass
class NotesConfig:
    notes_model: str = "claude-3-opus-20240229"

    @classmethod
    def load(cls):
        config = cls()
        if env_model := os.environ.get("NOTES_MODEL"):
            config.notes_model = env_model  # only with NOTES_MODEL set
        return config


@dataclass
class DraftConfig:
    draft_model: str = "claude-3-opus-20240229"

    @classmethod
    def load(cls, chosen):
        config = cls()
        config.draft_model = chosen  # always replaced: the default is not what runs
        return config


def take_notes(text, model):
    return client.messages.create(model=model, max_tokens=300,  # TB302
                                  messages=[{"role": "user", "content": text}])


def draft(text, model):
    return client.messages.create(model=model, max_tokens=300,  # the caller's choice replaces the default
                                  messages=[{"role": "user", "content": text}])


class NotesApp:
    def __init__(self, chosen):
        self.config = NotesConfig.load()
        self.drafts = DraftConfig.load(chosen)

    def run(self, text):
        take_notes(text, model=self.config.notes_model)
        return draft(text, model=self.drafts.draft_model)


def main(chosen):
    return NotesApp(chosen).run("x")
