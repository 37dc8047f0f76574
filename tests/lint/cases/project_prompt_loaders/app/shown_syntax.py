"""A prompt file that *shows* template syntax (``${{ secrets.TOKEN }}``, ``{{variable}}``) is sent as
written when it is read plainly: its whole text is the static prefix. Rendered through Jinja, the same
braces are fields: the static prefix ends at the first one, and the rest is static text after per-call
data (TB105)."""
from pathlib import Path

import anthropic
from jinja2 import Template

client = anthropic.Anthropic()
REVIEW = (Path(__file__).parent / "prompts" / "workflow_review.md").read_text()


def review(workflow):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=800, system=REVIEW,  # TB101
                                  messages=[{"role": "user", "content": workflow}])


def review_rendered(workflow, secrets):
    system = Template(REVIEW).render(secrets=secrets)  # a field near the top: a short static prefix
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=800, system=system,  # TB105
                                  messages=[{"role": "user", "content": workflow}])
