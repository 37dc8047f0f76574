"""Model ids kept as Enum members: ``Model.X.value`` is the member's own id (a text has no ``.value``)."""
from enum import Enum

import anthropic

from .tier_enum import Tier

client = anthropic.Anthropic()


class Model(str, Enum):
    LEGACY = "claude-3-5-sonnet-20240620"
    CURRENT = "claude-sonnet-5-5"


def legacy(q):
    return client.messages.create(model=Model.LEGACY.value, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def current(q):  # a current id: silent
    return client.messages.create(model=Model.CURRENT.value, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def imported(q):  # the Enum kept in another module
    return client.messages.create(model=Tier.FAST.value, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def ask(q, model):  # its one caller passes an Enum member's id
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def run(q):
    return ask(q, model=Tier.FAST.value)
