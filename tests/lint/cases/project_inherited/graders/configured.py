"""Prompts read from a configuration object made in place: its field defaults count."""
import anthropic

from .config import GraderConfig

client = anthropic.Anthropic()


def grade(answer):
    cfg = GraderConfig()
    return client.messages.create(model=cfg.model, max_tokens=5, system=cfg.system_prompt,  # TB101
                                  messages=[{"role": "user", "content": answer}])


class Panel:
    def __init__(self, persona=None):
        self.cfg = GraderConfig()
        self.custom = GraderConfig(system_prompt=persona)  # the field is passed: not the default

    def grade(self, answer):
        return client.messages.create(model=self.cfg.model, max_tokens=5, system=self.cfg.system_prompt,  # TB101
                                      messages=[{"role": "user", "content": answer}])

    def grade_in_character(self, answer):
        return client.messages.create(model=self.custom.model, max_tokens=5, system=self.custom.system_prompt,
                                      messages=[{"role": "user", "content": answer}])
