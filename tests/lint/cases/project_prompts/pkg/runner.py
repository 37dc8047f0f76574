import json
from pathlib import Path

import anthropic
from jinja2 import Environment, FileSystemLoader, PackageLoader

from .prompts import SYSTEM, build
from . import prompts
from .config import MODEL, Settings

client = anthropic.Anthropic()
HERE = Path(__file__).parent
MD = (HERE / "prompts" / "system.md").read_text()
env = Environment(loader=FileSystemLoader(HERE / "prompts"))


def a(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,  # TB101
                                  messages=[{"role": "user", "content": q}])


def b(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=prompts.SYSTEM,  # TB101
                                  messages=[{"role": "user", "content": q}])


def c(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=MD,  # TB101
                                  messages=[{"role": "user", "content": q}])


def d(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=build(),  # TB101
                                  messages=[{"role": "user", "content": q}])


def e(q):
    with open(Path(__file__).parent / "prompts" / "system.md") as f:
        text = f.read()
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=text,  # TB101
                                  messages=[{"role": "user", "content": q}])


def g(q, doc):
    # a Jinja template: the static guidelines lead the block, the document ends it: split and cache them
    sysp = env.get_template("review.j2").render(doc=doc)
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=sysp,  # TB101
                                  messages=[{"role": "user", "content": q}])


def h(q, name):
    # the file name is only known at run time: unpinnable, silent
    text = (HERE / "prompts" / name).read_text()
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=text,
                                  messages=[{"role": "user", "content": q}])


def i(q):
    # the model comes from config.py; the prompt from a JSON file indexed by a constant key
    return client.messages.create(model=MODEL, max_tokens=512, system=PROMPTS["triage"],  # TB101
                                  messages=[{"role": "user", "content": q}])


PROMPTS = json.load(open(HERE / "prompts" / "library.json"))


class Bot:
    def __init__(self):
        self.settings = Settings()
        self.system_prompt = prompts.SYSTEM

    def ask(self, q):
        return client.messages.create(model=MODEL, max_tokens=512, system=self.system_prompt,  # TB101
                                      messages=[{"role": "user", "content": q}])


def j(q, doc):
    # the guideline file is static and the document is filled in at its end: split and cache the guidelines
    text = (HERE / "prompts" / "review.j2").read_text().replace("{{ doc }}", doc)
    return client.messages.create(model=MODEL, max_tokens=512, system=text,  # TB101
                                  messages=[{"role": "user", "content": q}])


def k(essay):
    # the static rubric comes after the essay: it can never be a cached prefix
    return client.messages.create(model=MODEL, max_tokens=512,
                                  messages=[{"role": "user", "content": [{"type": "text", "text": essay},  # TB105
                                                                         {"type": "text", "text": SYSTEM}]}])


packaged = Environment(loader=PackageLoader("pkg", "prompts"))  # the folder inside the installed package


def m(q, doc):
    # the same template found through the package: a PackageLoader's folder is pinned too
    sysp = packaged.get_template("review.j2").render(doc=doc)
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=sysp,  # TB101
                                  messages=[{"role": "user", "content": q}])


LABELS = ["billing", "outage", "refund", "other"]


def n(q):
    # a dict from another module and a list from this one, shown in the prompt with str(): static
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=prompts.GUIDE,  # TB101
                                  messages=[{"role": "user", "content": q}])


def o(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                                  system=f"Pick one of {LABELS!r}. " + "Read the whole ticket first. " * 300,  # TB101
                                  messages=[{"role": "user", "content": q}])
