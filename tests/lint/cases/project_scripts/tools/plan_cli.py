"""A click command: one invocation, one plan."""
from pathlib import Path

import anthropic
import click

CONTEXT = (Path(__file__).parent / "context.md").read_text()


def plan(goal):
    return anthropic.Anthropic().messages.create(
        model="claude-sonnet-4-6", max_tokens=3000, system=CONTEXT,
        messages=[{"role": "user", "content": goal}])


@click.command()
@click.argument("goal")
def cli(goal):
    click.echo(plan(goal))


if __name__ == "__main__":
    cli()
