"""A Django management command: one invocation reads one research file and asks once."""
from pathlib import Path

import anthropic
from django.core.management.base import BaseCommand

CONTEXT = (Path(__file__).parent / "context.md").read_text()


def extract(text):
    client = anthropic.Anthropic()
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=4000, system=CONTEXT,
        messages=[{"role": "user", "content": text}])


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **opts):
        print(extract(open(opts["path"]).read()))
