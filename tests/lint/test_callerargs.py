"""Request fields that come from a wrapper's callers (lint/arguments.py, lint/analysis/callerargs.py).

The project in cases/project_callers keeps every request in app/client.py and every prompt, model
and flag in its callers; a line ending in ``# TB101`` must produce exactly those codes (all rule
families here, not only the TB1/TB2/TB4 of test_corpus), and no other line any.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, spelled_out
from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.arguments import parameter_values
from pytest_tokenbudget.lint.engine import lint_source
from pytest_tokenbudget.lint.formats import render
from pytest_tokenbudget.lint.rules.registry import registry
from pytest_tokenbudget.lint.project import Project

from .marked import marked

PROJECT = Path(__file__).parent / "cases" / "project_callers"
SELECT = ("TB1", "TB2", "TB3", "TB4", "TB5")


def _lint(monkeypatch):
    monkeypatch.chdir(PROJECT)
    return lint_paths([PROJECT], LintSettings(root=PROJECT, select=SELECT, cache=False))


def test_findings_from_callers_match_comments(monkeypatch):
    result = _lint(monkeypatch)
    assert not result.errors
    got = {(Path(f.path).resolve().relative_to(PROJECT.resolve()).as_posix(), f.line, f.code)
           for f in result.findings}
    assert got == marked(PROJECT)


def test_finding_names_the_caller_that_wrote_the_value(monkeypatch):
    result = _lint(monkeypatch)
    forwarded = next(f for f in result.findings if f.code == "TB101" and f.line == 15)
    assert forwarded.message.endswith("(passed by caller app/desk.py:7 through app/client.py:20)")
    assert {"path": "app/desk.py", "line": 7, "message": "value passed by this caller"} in \
        forwarded.properties["related"]
    assert forwarded.fix is None  # the wrapper serves other callers: no automatic edit
    # the prompt is named where it is written (app/prompts.py), not where a caller imports it
    assert "(prompt defined at app/prompts.py:3)" in forwarded.message
    direct = next(f for f in result.findings if f.code == "TB101" and f.line == 10)
    assert "(prompt defined at app/prompts.py:3) (passed by caller app/jobs.py:8)" in direct.message
    on_self = next(f for f in result.findings if f.code == "TB101" and f.line == 71)
    assert on_self.message.endswith("(passed by caller app/jobs.py:55)")  # one place, named once
    # TB302 is a correctness rule: one caller's retired id fails at run time, and the finding names it
    retired = next(f for f in result.findings if f.code == "TB302" and f.line == 38)
    assert retired.message.startswith("claude-3-opus-20240229 was retired")
    assert retired.message.endswith("(passed by caller app/jobs.py:32)")
    mixed = next(f for f in result.findings if f.code == "TB302" and f.line == 44)
    assert mixed.message.startswith("claude-3-opus-20240229 (the default of parameter `model`) was retired")
    assert mixed.message.endswith("(passed by caller app/jobs.py:37)")  # mixed(question): the default
    result.findings = [retired]
    sarif = json.loads(render("sarif", result, registry()))
    related = sarif["runs"][0]["results"][0]["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [32]


def _prompts() -> dict[str, str]:
    names: dict[str, str] = {}
    exec((PROJECT / "app" / "prompts.py").read_text(), names)
    return names


def test_parameter_values_one_assignment_per_caller():
    project = Project(PROJECT)
    found = parameter_values(project, str(PROJECT / "app" / "client.py"), "ask", frozenset({"system", "model"}))
    p = _prompts()
    assert [(a.values["system"], a.values["model"]) for a in found] == [
        (p["POLICY"], "claude-sonnet-4-6"),  # the default, left out by the caller
        (p["EXTRACT"], "claude-haiku-4-5"),
        (p["SHORT"], "claude-sonnet-4-6"),  # client.ask(...) through the module
    ]
    assert [Path(a.callers[0][0]).name for a in found] == ["jobs.py", "jobs.py", "jobs.py"]


def test_parameter_values_follow_forwarding_and_keep_unknowns():
    project = Project(PROJECT)
    client = str(PROJECT / "app" / "client.py")
    (forwarded,) = parameter_values(project, client, "_send", frozenset({"system"}))
    assert forwarded.values["system"] == _prompts()["POLICY"]
    assert [(Path(p).name, line) for p, line in forwarded.callers] == [("client.py", 20), ("desk.py", 7)]
    runtime, either = parameter_values(project, client, "unknown", frozenset({"system"}))
    assert runtime.values["system"] is UNKNOWN  # loader(): read at run time
    assert sorted(spelled_out(either.values["system"])) == sorted([_prompts()["POLICY"], _prompts()["SHORT"]])  # either
    (reply,) = parameter_values(project, client, "Desk.reply", frozenset({"question"}))
    assert reply.values["question"] is UNKNOWN  # desk_reply's own parameter, and nothing calls desk_reply
    assert parameter_values(project, str(PROJECT / "app" / "desk.py"), "policy_answer", frozenset({"question"})) is None


def test_test_files_are_not_callers():
    project = Project(PROJECT)
    found = parameter_values(project, str(PROJECT / "app" / "client.py"), "legacy", frozenset({"model"}))
    assert sorted(a.values["model"] for a in found) == ["claude-3-haiku-20240307", "claude-3-opus-20240229"]


def test_a_single_file_keeps_the_wrapper_silent():
    """Without the project (one source text) a parameter is unknown: nothing is guessed."""
    findings = lint_source((PROJECT / "app" / "client.py").read_text(), path="client.py", select=list(SELECT))
    assert [(f.line, f.code) for f in findings] == [(44, "TB302")]  # the default of mixed(): no callers seen


def test_a_caller_local_built_from_its_own_parameter_follows_that_parameter_up():
    project = Project(PROJECT)
    found = parameter_values(project, str(PROJECT / "app" / "client.py"), "request", frozenset({"system"}))
    themed = [a for a in found if len(a.callers) == 2]
    assert [a.values["system"] for a in themed] == ["You are the billing desk. Reply with JSON only."]
    assert [Path(p).name for p, _ in themed[0].callers] == ["jobs.py", "jobs.py"]


CLAUDE_MODEL = '''import anthropic


class ClaudeModel:
    def __init__(self, model_name: str):
        self.client = anthropic.Anthropic()
        self.model = model_name

    def predict(self, text: str):
        return self.client.messages.create(model=self.model, max_tokens=1024,
                                           messages=[{"role": "user", "content": text}])
'''
CHOOSER = '''from claude import ClaudeModel


def make(name: str) -> ClaudeModel:
    model_string = "claude-3-sonnet-20240229"
    if name == "sonnet-3-5":
        model_string = "claude-3-5-sonnet-20241022"
    elif name == "latest":
        model_string = "{latest}"
    return ClaudeModel(model_name=model_string)
'''


def test_a_caller_choosing_among_ids_in_branches_is_judged_on_every_id(tmp_path: Path):
    (tmp_path / "claude.py").write_text(CLAUDE_MODEL)
    (tmp_path / "run.py").write_text(CHOOSER.format(latest="claude-3-7-sonnet-20250219"))
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings
    assert [(f.line, f.code) for f in found] == [(10, "TB302")]
    assert "passed by caller run.py:10" in found[0].message.replace(str(tmp_path) + "/", "")
    (tmp_path / "run.py").write_text(CHOOSER.format(latest="claude-sonnet-4-6"))  # one current id: a working choice
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings == []


ARMS = '''from claude import ClaudeModel


def make(name: str) -> ClaudeModel:
    if name == "sonnet":
        model_string = "claude-3-sonnet-20240229"
    elif name == "opus":
        model_string = "claude-3-opus-20240229"
    {last}
    return ClaudeModel(model_name=model_string)
'''


def test_a_caller_assigning_the_id_in_every_arm_of_an_if_chain_is_judged_on_every_id(tmp_path: Path):
    """No assignment before the ``if``: every arm (``else`` too, or an arm that raises) sets it."""
    (tmp_path / "claude.py").write_text(CLAUDE_MODEL)
    for last, found in (('else:\n        model_string = "claude-3-haiku-20240307"', [(10, "TB302")]),
                        ('else:\n        raise ValueError(name)', [(10, "TB302")]),
                        ('else:\n        model_string = "claude-haiku-4-5"', []),  # one current id: a working choice
                        ("", [])):  # no else: the name may be unset, nothing is known
        (tmp_path / "run.py").write_text(ARMS.format(last=last))
        got = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings
        assert [(f.line, f.code) for f in got] == found, last


def test_an_attribute_the_constructions_set_to_different_prompts_is_one_of_them(tmp_path: Path):
    rules = " ".join(f"Rule {i}: cite the passage, name the section and state the clause number you rely on."
                     for i in range(90))  # ~2,000 tokens shared by both prompts
    (tmp_path / "prompts.py").write_text(f'BASE = "You review contracts. {rules}"\n'
                                         'STRICT = BASE + " Be strict."\nLENIENT = BASE + " Be lenient."\n')
    (tmp_path / "llm.py").write_text('''import anthropic

client = anthropic.Anthropic()


def complete(system, text):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, system=system,
                                  messages=[{"role": "user", "content": text}])
''')
    (tmp_path / "agent.py").write_text('''from llm import complete
from prompts import LENIENT, STRICT


class Reviewer:
    def __init__(self, system_prompt):
        self.system_prompt = system_prompt

    def review(self, text):
        return complete(self.system_prompt, text)


strict = Reviewer(STRICT)
lenient = Reviewer(system_prompt=LENIENT)
''')
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings
    assert [(Path(f.path).name, f.code) for f in found] == [("llm.py", "TB101")]


def test_a_prompt_given_to_a_setter_is_read_through_a_constant_set_to_itself(tmp_path: Path):
    """bigbases/C4_Analysis: ``claude.add_role(role_prompt)`` stores a persona read from a file and
    formatted with a module constant; the script's ``__main__`` block says ``query = query``, which
    changes nothing and must not make the constant unknown (it cut the prompt at its first hole)."""
    rules = " ".join(f"Rule {i}: quote the sentence, name the stance and state why it is biased." for i in range(90))
    (tmp_path / "role.txt").write_text(f"You annotate news articles about {{topic}}. {rules}")
    (tmp_path / "claude_request.py").write_text('''import anthropic


class Claude:
    def __init__(self, model):
        self.model = model
        self.client = anthropic.Anthropic()

    def add_role(self, role):
        self.role = role

    def run(self, prompt):
        return self.client.messages.create(model=self.model, max_tokens=1024, system=self.role,
                                           messages=[{"role": "user", "content": prompt}])
''')
    (tmp_path / "annotate.py").write_text('''import os

from claude_request import Claude

query = "Environment protection"


def role_prompt(query):
    with open(os.path.join(os.path.dirname(__file__), "role.txt")) as f:
        return f.read().format(topic=query)


def annotate(texts):
    claude = Claude("claude-sonnet-4-5")
    claude.add_role(role_prompt(query))
    return [claude.run(t) for t in texts]


if __name__ == "__main__":
    query = query
    annotate(["one", "two"])
''')
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings
    assert [(Path(f.path).name, f.code) for f in found] == [("claude_request.py", "TB101")]
    assert found[0].properties["prefix_tokens"] > 1024


def test_a_loop_over_a_table_passes_one_of_its_values(tmp_path: Path):
    (tmp_path / "claude.py").write_text(CLAUDE_MODEL)
    runner = '''from claude import ClaudeModel

MODELS = {{"sonnet": "claude-3-5-sonnet-20241022", "haiku": "{haiku}"}}


def main(rows):
    for name, model_id in MODELS.items():
        model = ClaudeModel(model_name=model_id)
        for row in rows:
            model.predict(row)
'''
    (tmp_path / "run.py").write_text(runner.format(haiku="claude-3-haiku-20240307"))
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings
    assert [(Path(f.path).name, f.line) for f in found] == [("claude.py", 10)]
    (tmp_path / "run.py").write_text(runner.format(haiku="claude-haiku-4-5"))  # not every id is retired
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings == []


def test_a_dataclass_built_by_the_caller_passes_its_fields_unless_the_caller_changes_them(tmp_path: Path):
    (tmp_path / "llm.py").write_text('''from dataclasses import dataclass

import anthropic

client = anthropic.Anthropic()


@dataclass
class Config:
    model: str
    max_tokens: int = 1024


def complete(config: Config, text: str):
    return client.messages.create(model=config.model, max_tokens=config.max_tokens,
                                  messages=[{"role": "user", "content": text}])
''')
    caller = '''from llm import Config, complete


def run(text):
    config = Config(model="claude-3-haiku-20240307"){change}
    return complete(config, text)
'''
    (tmp_path / "run.py").write_text(caller.format(change=""))
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings
    assert [(Path(f.path).name, f.line) for f in found] == [("llm.py", 15)]
    (tmp_path / "run.py").write_text(caller.format(change='\n    config.model = "claude-sonnet-4-6"'))
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings == []


SHORT_WRAPPER = '''import anthropic

client = anthropic.Anthropic()


def collect(prompt, max_tokens=500):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=max_tokens,
                                   messages=[{"role": "user", "content": prompt}])
    return reply.content[0].text
'''
SCORER = '''from llm import collect

SCORE = "Rate the essay from 1 to 10. Respond only with a number and strictly nothing else."


def score(essay):
    return collect(f"{SCORE}\\n\\n{essay}")
'''


def test_a_short_answer_cap_is_judged_by_every_caller_of_a_shared_wrapper(tmp_path):
    (tmp_path / "llm.py").write_text(SHORT_WRAPPER)
    (tmp_path / "scorer.py").write_text(SCORER)
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB204",), cache=False))
    [f] = result.findings  # the only caller asks for a number: the wrapper's 500 tokens are too many
    assert f.path.endswith("llm.py") and f.line == 7 and "single number" in f.message
    assert f.message.endswith("scorer.py:7)") and "(every caller sends such a value: " in f.message
    (tmp_path / "writer.py").write_text("from llm import collect\n\n\ndef draft(topic):\n"
                                        "    return collect(f'Write an essay about {topic}.')\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB204",), cache=False))
    assert result.findings == []  # another caller needs the room: the cap is not the wrapper's mistake


def test_a_value_assigned_in_a_try_whose_handlers_leave_reaches_the_call(tmp_path: Path):
    (tmp_path / "llm.py").write_text('''import anthropic

client = anthropic.Anthropic()


def complete(model, text):
    return client.messages.create(model=model, max_tokens=1024,
                                  messages=[{"role": "user", "content": text}])
''')
    runner = '''import sys

from llm import complete


def run(texts, settings):
    try:
        model = settings["model"] if settings else "claude-3-haiku-20240307"
        model = "claude-3-haiku-20240307"
    except KeyError as exc:
        print(exc)
        {handler_end}
    for text in texts:
        complete(model, text)
'''
    (tmp_path / "run.py").write_text(runner.format(handler_end="sys.exit(1)\n        raise SystemExit(1)"))
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.code) for f in found] == [("llm.py", 7, "TB302")]
    (tmp_path / "run.py").write_text(runner.format(handler_end="model = None"))  # the handler's value may reach it
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB302",), cache=False)).findings == []


NESTED = '''import anthropic


class DigestService:
    def __init__(self):
        self.client = anthropic.Anthropic()

    def summarize(self, data):
        try:
            def call_claude(prompt):
                message = self.client.messages.create(model="claude-sonnet-4-6", max_tokens=1500,
                                                      messages=[{"role": "user", "content": prompt}])
                return message.content[0].text

            prompt = ("Extract the locations. Respond with only the raw JSON object, no code fences. "
                      f"Here is the context: {data}")
            return call_claude(prompt)
        except Exception:
            return None


def names(data):
    def call_claude(prompt):
        return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=1500,
                                                     messages=[{"role": "user", "content": prompt}])

    return call_claude(f"List the names in: {data}")
'''


def test_a_def_nested_in_a_function_is_judged_with_what_that_function_passes_it(tmp_path):
    # Daily-Digest: a local call_claude(prompt) helper (inside a try) gets a JSON-asking prompt from its method
    [f] = _lint_project(tmp_path, {"svc.py": NESTED}, "TB501")  # the second helper's prompt does not ask for JSON
    assert f.line == 11 and f.message.endswith("svc.py:17)") and "(passed by caller " in f.message



def test_a_prompt_extended_by_plus_equals_keeps_its_always_sent_start(tmp_path):
    # dadashvespek/Janus: prompt = f"...wrapped in ```json```..."; if text: prompt += f"...{text}"; ask(prompt)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "client.py").write_text("def ask(prompt):\n    return prompt\n")
    (tmp_path / "jobs.py").write_text(
        "from client import ask\n\n\ndef rate(url, sample):\n    prompt = f'Rate {url}. Answer as JSON.'\n"
        "    if sample:\n        prompt += f' Sample: {sample}'\n    return ask(prompt)\n\n\n"
        "def straight(url):\n    prompt = 'Rate this. '\n    prompt += 'Answer as JSON.'\n    return ask(prompt)\n")
    found = parameter_values(Project(tmp_path), str(tmp_path / "client.py"), "ask", frozenset({"prompt"}))
    sometimes, always = (a.values["prompt"] for a in found)
    assert [p if isinstance(p, str) else "?" for p in sometimes.parts] == ["Rate ", "?", ". Answer as JSON.", "?"]
    assert always == "Rate this. Answer as JSON."


def test_constructor_calls_through_subclasses_give_the_base_its_prompt(monkeypatch):
    """cases/project_super_init: ``super().__init__(system=...)`` in a subclass (and the construction
    of a subclass that inherits ``__init__``) is a call of the base's constructor."""
    project = Path(__file__).parent / "cases" / "project_super_init"
    base = str(project / "agents" / "base.py")
    found = parameter_values(Project(project, named=True), base, "Agent.__init__", frozenset({"system"}))
    origins = sorted((Path(a.callers[-1][0]).name, a.callers[-1][1], a.values["system"][:9]) for a in found or ())
    assert origins == [("planner.py", 10, "Break the"), ("team.py", 7, "Flag ever"), ("team.py", 17, "List each")]


def test_a_finding_names_each_function_s_caller_apart(tmp_path, monkeypatch):
    """``run``'s caller and the constructor call that set ``self.system`` are two paths, not one
    chain: the message names both, neither "through" the other."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "__init__.py").write_text("")
    shutil.copy(Path(__file__).parent / "cases" / "project_super_init" / "agents" / "base.py", tmp_path / "agents")
    (tmp_path / "agents" / "prompts.py").write_text(
        "RULES = 'Flag every unchecked claim and rate its evidence from A to E. ' * 120\n")
    (tmp_path / "agents" / "jobs.py").write_text(
        "from .base import Agent\nfrom .prompts import RULES\n\nreviewer = Agent(RULES)\n\n\n"
        "def review(draft: str) -> str:\n    return reviewer.run(draft)\n")
    monkeypatch.chdir(tmp_path)
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    on_run = next(f for f in result.findings if f.line == 13)
    assert on_run.message.endswith("(prompt defined at agents/prompts.py:1) "
                                   "(passed by callers agents/jobs.py:4 and agents/jobs.py:8)")


ROW_LABELLER = '''import anthropic

client = anthropic.Anthropic()
GUIDE = "Label the row as billing, bug or other. " * 200


def build(system, row, model):
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": f"{model}: {row}"}]


def label(row, system, model):
    messages = build(system, row, model)
    return client.messages.create(model=model, max_tokens=64, system=messages[0]["content"],
                                  messages=[messages[1]])


def main(rows):
    for row in rows:
        label(row, GUIDE, "claude-sonnet-4-5")
'''


def test_a_caller_whose_values_pass_through_a_helper_is_named_once(tmp_path):
    # ainotator: the prompt and the model reach the request through the caller and through a message
    # builder the wrapper calls with them: one caller, named once, not "x:19 and x:19 through x:11"
    [f] = _lint_project(tmp_path, {"rows.py": ROW_LABELLER}, "TB101")
    assert f.message.count("passed by") == 1 and f.message.count("rows.py:19") == 1, f.message


def test_a_method_called_on_an_instance_made_in_place_has_that_caller(tmp_path):
    # Desk().ask(POLICY, q) in the class's own file: the prompt comes from that call
    [f] = _lint_project(tmp_path, {"desk.py": (
        "import anthropic\n\nclient = anthropic.Anthropic()\nPOLICY = 'Policy clause. ' * 500\n\n\n"
        "class Desk:\n    def ask(self, system, q):\n"
        "        return client.messages.create(model='claude-sonnet-4-5', max_tokens=100, system=system,\n"
        "                                      messages=[{'role': 'user', 'content': q}])\n\n\n"
        "def run(q):\n    return Desk().ask(POLICY, q)\n")}, "TB101")
    assert f.message.endswith("desk.py:14)") and "(passed by caller " in f.message


def test_every_callers_value_comes_early_in_the_variants():
    # the plain product pairs the first group's first value with every value of the last group before
    # it reaches the first group's second value: with many callers, the first MAX_VARIANTS never did
    from pytest_tokenbudget.lint.analysis.callerargs import _combinations

    combos = list(_combinations([["a", "b"], [1, 2, 3]]))
    assert combos[:3] == [("a", 1), ("b", 2), ("a", 3)]
    assert sorted(combos) == sorted((x, n) for x in "ab" for n in (1, 2, 3))


def test_an_attribute_set_from_a_parameter_or_a_fallback_holds_what_the_constructions_pass(tmp_path):
    # MidwestJohn/energy-agent-claude: self.model = model or config.CLAUDE_MODEL, the model handed on
    app = "from cu import Client\n\n\ndef make(key):\n    return Client(api_key=key)\n"
    findings = _lint_project(tmp_path, {"app.py": app, "cu.py": (
        "import anthropic\n\n\n"
        "class Analyzer:\n"
        "    def __init__(self, api_key, model='claude-sonnet-4-6'):\n"
        "        self.client = anthropic.Anthropic(api_key=api_key)\n"
        "        self.model = model\n\n"
        "    def analyze(self, prompt):\n"
        "        return self.client.messages.create(model=self.model, max_tokens=400,\n"
        "                                           messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "class Client:\n"
        "    def __init__(self, api_key=None, model='claude-3-5-sonnet-20241022'):\n"
        "        self.model = model or DEFAULT_MODEL\n"
        "        self.analyzer = Analyzer(api_key, self.model)\n")}, "TB302")
    assert [(Path(f.path).name, f.line, f.code) for f in findings] == [("cu.py", 10, "TB302")]
    assert "claude-3-5-sonnet-20241022" in findings[0].message


def _lint_project(root: Path, files: dict[str, str], rule: str) -> list:
    """The findings of ``rule`` on a project of ``files`` written into ``root``."""
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for name, text in files.items():
        (root / name).write_text(text)
    return lint_paths([root], LintSettings(root=root, select=(rule,), cache=False)).findings


def test_a_prompt_from_the_callers_that_wants_the_answer_in_tags_asks_for_its_stop_sequence(tmp_path: Path):
    """TB205 reads the callers' prompts like TB501 does: the wrapper takes a ready prompt."""
    (tmp_path / "claude_service.py").write_text('''import anthropic

client = anthropic.Anthropic()


def generate(prompt):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=2000,
                                  messages=[{"role": "user", "content": prompt}])
''')
    (tmp_path / "questions.py").write_text('''from claude_service import generate

PROMPT = """Read the excerpt and write one question about it.
<excerpt>{}</excerpt>
Provide the final output as a JSON object in <json_format> wrapper."""


def ask(part):
    return generate(PROMPT.format(part))
''')
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB205",), cache=False)).findings
    assert [(f.line, f.code) for f in found] == [(7, "TB205")]
    assert "<json_format>" in found[0].message and "passed by caller questions.py:9" in found[0].message.replace(
        str(tmp_path) + "/", "")


def test_a_base_class_method_calling_the_abstract_request_method_is_one_of_its_callers(tmp_path: Path):
    """A template method: ``LLMClient.complete_json`` appends a JSON instruction and calls
    ``self.complete``, which the Claude subclass implements (and inherits complete_json)."""
    (tmp_path / "base.py").write_text('''from abc import ABC, abstractmethod


class LLMClient(ABC):
    @abstractmethod
    def complete(self, prompt, max_tokens=2000): ...

    def complete_json(self, prompt):
        return self.complete(prompt + "\\n\\nOnly return valid JSON, no explanation.", max_tokens=300)
''')
    (tmp_path / "claude.py").write_text('''import anthropic
from base import LLMClient


class ClaudeClient(LLMClient):
    def complete(self, prompt, max_tokens=2000):
        return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens,
                                                     messages=[{"role": "user", "content": prompt}])
''')
    found = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB501",), cache=False)).findings
    assert [(f.line, f.code) for f in found] == [(7, "TB501")]
    assert "passed by caller base.py:9" in found[0].message.replace(str(tmp_path) + "/", "")
    claude = (tmp_path / "claude.py").read_text()
    (tmp_path / "claude.py").write_text(claude + "\n    def complete_json(self, prompt):\n        return prompt\n")
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB501",), cache=False)).findings == []


MAIN_BLOCK = '''import asyncio
from anthropic import AsyncAnthropic


async def claude_async(model_name, params, messages):
    client = AsyncAnthropic()
    response = await client.messages.create(messages=messages[1:], model=model_name,
                                            system=messages[0]["content"], **params)
    return response.content[0].text


async def llm_async(model_name, params_, messages):
    return await claude_async(model_name, params_.copy(), messages)


if __name__ == "__main__":
    model_name = "claude-3-5-sonnet-20240620"
    params = {"max_tokens": 256}
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]

    async def main():
        print(await llm_async(model_name, params, messages))
    asyncio.run(main())
'''


def test_a_caller_defined_in_the_main_block_passes_what_that_block_assigns(tmp_path):
    # kenoharada/llm-api-utils: ``async def main()`` under ``if __name__ == "__main__":`` is a caller like any other
    [f] = _lint_project(tmp_path, {"utils.py": MAIN_BLOCK}, "TB302")
    assert f.line == 7 and "claude-3-5-sonnet-20240620" in f.message and "utils.py:22 through " in f.message


def test_a_prompt_file_read_in_a_with_block_by_the_caller_reaches_the_wrapper(tmp_path: Path):
    # satayun-auto: process_single reads prompts/00_master_prompt.txt with `with open(...) as f:` and hands
    # the text down to the request; `f` is the opened file and the with body always runs before the call
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "system.txt").write_text("Follow the house rules. " * 800)
    (tmp_path / "llm.py").write_text('''import anthropic

client = anthropic.Anthropic()


def chapter(system, topic):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, system=system,
                                  messages=[{"role": "user", "content": topic}])
''')
    (tmp_path / "run.py").write_text('''import os

from llm import chapter


def run(topics):
    path = os.path.join(os.path.dirname(__file__), "prompts", "system.txt")
    with open(path, "r", encoding="utf-8") as f:
        system = f.read()
    return [chapter(system, t) for t in topics]
''')
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    [finding] = result.findings
    assert Path(finding.path).name == "llm.py" and "run.py:10" in finding.message
    # another context manager's `as` name is not what it opens: unknown, so silent
    (tmp_path / "run.py").write_text((tmp_path / "run.py").read_text().replace(
        'with open(path, "r", encoding="utf-8") as f:', "with lock_and_open(path) as f:"))
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings == []


def test_a_prompt_path_with_a_fallback_for_a_missing_file_reads_the_file_that_is_there(tmp_path: Path):
    # satayun-auto: `p = A; if not os.path.exists(p): p = B` then `with open(p) as f`; A is in the repository
    test_a_prompt_file_read_in_a_with_block_by_the_caller_reaches_the_wrapper(tmp_path)
    run = (tmp_path / "run.py").read_text().replace("with lock_and_open(path) as f:", "with open(path) as f:")
    fallback = '''    if not os.path.exists(path):
        path = os.path.join(os.path.dirname(__file__), "prompts", "system_old.txt")
'''
    at = run.index("    with open(path)")
    (tmp_path / "run.py").write_text(run[:at] + fallback + run[at:])
    [finding] = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings
    assert "run.py:12" in finding.message
    # the same when the read sits under the test of its own file: `if os.path.exists(p): with open(p) ...`
    (tmp_path / "run.py").write_text(run[:at] + "    system = None\n    if os.path.exists(path):\n"
                                     + run[at:].replace("    with open(path) as f:\n        system",
                                                        "        with open(path) as f:\n            system"))
    [finding] = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings
    assert "run.py:12" in finding.message


@pytest.mark.parametrize(("then", "cached"), [
    ("", True),  # a prompt file the script only reads: its text is static
    ("    with open(path, 'a', encoding='utf-8') as f:\n        f.write(more)\n", False),  # a document it continues
])
def test_a_file_the_caller_also_writes_is_not_a_static_prompt(tmp_path, then, cached):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "doc.md").write_text("The requirements baseline, clause after clause. " * 700)
    (tmp_path / "client.py").write_text(
        "import anthropic\n\n\ndef chat(text):\n"
        "    return anthropic.Anthropic().messages.create(model='claude-sonnet-4-5', max_tokens=4000,\n"
        "        messages=[{'role': 'user', 'content': text}]).content[0].text\n")
    (tmp_path / "extend.py").write_text(
        "from client import chat\n\n\ndef extend(path, note):\n    with open(path, encoding='utf-8') as f:\n"
        "        doc = f.read()\n    more = chat(doc + '\\n\\nContinue the document: ' + note)\n" + then
        + "\n\nfor note in open('notes.txt').read().splitlines():\n    extend('doc.md', note)\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    assert [f.path.rsplit("/", 1)[-1] for f in result.findings] == (["client.py"] if cached else [])


def test_each_caller_keeps_a_variant_when_another_forwards_many_values(tmp_path):
    """``a.py`` forwards what 24 callers of its own pass; ``b.py`` alone asks for JSON. The
    values are taken call by call in turn, so ``b.py``'s prompt is within the cap whatever the order
    the files are read in."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "client.py").write_text(
        "import anthropic\n\n\ndef ask(prompt):\n"
        "    return anthropic.Anthropic().messages.create(model='claude-sonnet-4-5', max_tokens=400,\n"
        "        messages=[{'role': 'user', 'content': prompt}])\n")
    (tmp_path / "a.py").write_text(
        "from client import ask\n\n\ndef kind(prompt):\n    return ask(prompt)\n\n\ndef blunt(prompt):\n"
        "    return ask(prompt)\n\n\n" + "".join(f"kind('Say something kind about {i}.')\nblunt('Be blunt about {i}.')\n"
                                              for i in range(12)))
    (tmp_path / "b.py").write_text("from client import ask\n\nask('List three colours. Answer in JSON.')\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB501",), cache=False))
    assert [(f.path.rsplit("/", 1)[-1], "b.py:3" in f.message) for f in result.findings] == [("client.py", True)]
