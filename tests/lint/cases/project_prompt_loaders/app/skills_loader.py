"""Prompts kept as skill files (skills/<name>/SKILL.md) read with python-frontmatter: the body after
the YAML header is the prompt; the header (name, description, examples) is not sent."""
import os

import anthropic
import frontmatter

client = anthropic.Anthropic()
_SKILLS_DIR = os.path.join(os.path.dirname(__file__), "skills")


def load_skill(name: str) -> str:
    skill_path = os.path.join(_SKILLS_DIR, name, "SKILL.md")
    if not os.path.exists(skill_path):
        raise FileNotFoundError(f"Skill not found: {skill_path}")
    post = frontmatter.load(skill_path)
    return post.content


DRAFT_REPLY = load_skill("draft-reply")
SHORT_REPLY = load_skill("short-reply")


def draft_reply(review: str):
    # the skill's body is the long prompt: re-sent uncached on every call
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=800, system=DRAFT_REPLY,  # TB101
                                  messages=[{"role": "user", "content": review}])


def short_reply(review: str):
    # Not flagged: the file is long, but its length is the YAML header; the body sent is one line
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=100, system=SHORT_REPLY,
                                  messages=[{"role": "user", "content": review}])
