"""TB101 and a function a script runs once per process: its prefix is never sent twice."""

from __future__ import annotations

import os

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

CLIENT = '''import anthropic

RULES = "Write a 40-word video script with a hook, three beats and a call to action. " * 60


def ask(prompt):
    return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=800, system=RULES,
                                                 messages=[{"role": "user", "content": prompt}])
'''
ENGINE = '''from client import ask


def generate(topic):
    for attempt in range(3):  # a retry: the request goes again only when it failed
        try:
            return ask(f"Topic: {topic}")
        except Exception:
            continue
'''


@pytest.mark.parametrize(("main", "sent_again"), [
    # JJgithu/faceless-video-network: main block -> main -> run -> generate -> ask, once a day
    ("def run():\n    return generate('today')\n\n\ndef main():\n    run()\n\n\n"
     "if __name__ == '__main__':\n    main()\n", False),
    # an interactive loop: every topic the user types sends the prefix again
    ("def main():\n    while True:\n        print(generate(input('> ')))\n\n\nif __name__ == '__main__':\n    main()\n",
     True),
])
def test_a_helper_in_another_module_that_the_script_runs_once(tmp_path, main, sent_again):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "client.py").write_text(CLIENT)
    (tmp_path / "engine.py").write_text(ENGINE)
    (tmp_path / "main.py").write_text("from engine import generate\n\n\n" + main)
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    assert [os.path.basename(f.path) for f in result.findings] == (["client.py"] if sent_again else [])


SCRIPT = '''import json
import sys

import anthropic

RULES = "Tailor the resume bullets to the job description; keep every claim on the resume. " * 90


def main():
    client = anthropic.Anthropic()
    job = open(sys.argv[1]).read()
    for {loop}:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=800,
                                       messages=[{{"role": "user", "content": RULES + job}}])
        try:
            return json.loads(reply.content[0].text)
        except json.JSONDecodeError:
            continue


if __name__ == "__main__":
    main()
'''


@pytest.mark.parametrize(("loop", "sent_again"), [
    # jittania/job-search-agents: one job per run, asked again only when the reply did not parse
    ("attempt in range(2)", False),
    ("part in job.split('---')", True),  # every part of the job sends the same instructions again
])
def test_a_retry_loop_around_the_request_of_a_script_run_once_is_no_repeat(tmp_path, loop, sent_again):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "tailor.py").write_text(SCRIPT.format(loop=loop))
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    assert [f.code for f in result.findings] == (["TB101"] if sent_again else [])
