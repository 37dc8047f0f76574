"""Where real code keeps its model id: env defaults, settings objects, constants, defaulted
parameters whose callers pass other ids, if/elif mappings, the legacy Text Completions API, a
helper returning a table lookup, with a key the call pins or not, and a model assigned only when the
caller passes none (app/routed_calls.py), a field of a configuration object received as an annotated
parameter (app/typed_calls.py), a client imported from another module (app/imported_calls.py), a
conditional expression (app/conditional_calls.py), a retired parameter default, also one naming a
class constant (app/defaults.py), a helper with several returns or an env-read-else-constant helper
(app/selected_calls.py), a dataclass reading its own fields, built from a settings object that is a
typed parameter or the result of a factory annotated to return it (app/field_service.py,
app/field_bridge.py), and a YAML file read only when it exists, over the dataclass's default
(app/yaml_settings.py, app/yaml_client.py), and ``self.model`` switched by a method only to an id of a
written-out set (app/switchable.py), and a subclass with no __init__ of its own reading the configuration its
base stored (app/inherited_config.py).

TB302 / TB303 are correctness rules: a retired or unknown id that one caller's path sends fails at
run time, so a retired default that one caller relies on is reported (naming that caller) even when
another caller passes a current model; a default every caller overrides is silent.

The project in ``cases/project_models`` marks each expected model-id finding with a trailing
``# TB302`` comment; every other call there must stay silent (an env variable without default, a
required settings field, a constructor that sets the field, callers mixing a current model in, an
if/elif mapping with a current branch, a branch value that cannot be pinned).
"""

from __future__ import annotations

from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.rules.options import DEFAULTS

from .marked import line_of, marked, relative

PROJECT = Path(__file__).parent / "cases" / "project_models"


def _lint(select: tuple[str, ...] = ("TB302", "TB303")):
    options = {**DEFAULTS, "today": "2026-12-01"}
    return lint_paths([PROJECT], LintSettings(root=PROJECT, select=select, cache=False, options=options))


def test_model_ids_kept_in_config_are_judged_exactly_where_marked():
    result = _lint()
    assert not result.errors
    got = {(relative(f.path, PROJECT), f.line, f.code) for f in result.findings}
    assert got == marked(PROJECT, ("TB302", "TB303"))
    assert len(got) == 67


def test_a_model_from_another_module_names_where_it_is_defined():
    by_line = {(relative(f.path, PROJECT), f.line): f for f in _lint().findings}
    env = by_line[("app/calls.py", line_of(PROJECT, "app/calls.py", "model=config.CLAUDE_MODEL"))]
    assert "(model defined at " in env.message and f"config.py:{line_of(PROJECT, 'app/config.py', 'CLAUDE_MODEL = ')})" in env.message
    related = env.properties["related"]
    assert [(Path(r["path"]).name, r["line"]) for r in related] == [("config.py", line_of(PROJECT, "app/config.py", "CLAUDE_MODEL = "))]
    field = by_line[("app/calls.py", line_of(PROJECT, "app/calls.py", "model=settings.SUMMARY_MODEL"))]
    assert "claude-3-opus-20240229" in field.message and f"config.py:{line_of(PROJECT, 'app/config.py', 'SUMMARY_MODEL')})" in field.message


def test_every_value_of_a_mapping_or_of_the_callers_is_named():
    by_line = {(relative(f.path, PROJECT), f.line): f for f in _lint().findings}
    mapped = by_line[("app/helpers.py", line_of(PROJECT, "app/helpers.py", "model=model_name, max_tokens=400,  # TB302"))].message
    assert mapped.startswith("claude-3-sonnet-20240229 (and claude-3-haiku-20240307,")
    callers = by_line[("app/helpers.py", line_of(PROJECT, "app/helpers.py", "model=model, max_tokens=400,  # TB302"))].message
    # every caller sends a retired id: the finding names one of them and its value
    assert callers.startswith("claude-3-haiku-20240307 was retired") and "(passed by caller " in callers
    assert f"{PROJECT.name}/app/jobs.py:{line_of(PROJECT, 'app/jobs.py', 'forwarded(text')} through " in callers
    forwarding = line_of(PROJECT, "app/helpers.py", "return legacy_only(")
    assert callers.endswith(f"{PROJECT.name}/app/helpers.py:{forwarding})")
    assert "claude-sonnet-5-5" not in callers.split(" use ")[0]  # the test module's placeholder is not counted


def test_a_retired_default_relied_on_by_one_caller_names_that_caller():
    by_line = {(relative(f.path, PROJECT), f.line): f for f in _lint().findings}
    default = by_line[("app/helpers.py", line_of(PROJECT, "app/helpers.py", "model=model, max_tokens=400, system"))]
    assert default.message.startswith("claude-3-sonnet-20240229 (the default of parameter `model`) was retired")
    caller = line_of(PROJECT, "app/jobs.py", 'complete("Be brief.", text)')
    assert default.message.endswith(f"{PROJECT.name}/app/jobs.py:{caller})") and "(passed by caller " in default.message
    unknown = by_line[("app/defaults.py", line_of(PROJECT, "app/defaults.py", "  # TB303"))]
    assert unknown.code == "TB303" and "'claude-sonnet-4-7' (the default of parameter `model`)" in unknown.message
    assert unknown.message.endswith(f"app/defaults.py:{line_of(PROJECT, 'app/defaults.py', '    unknown_default(q)')})")
    public = by_line[("app/defaults.py", line_of(PROJECT, "app/defaults.py", "  # TB302"))]
    assert "(the default of parameter `model`)" in public.message and "caller" not in public.message
    request = line_of(PROJECT, "app/calls.py", "return client.messages.create(model=self.model")
    fallback = by_line[("app/calls.py", request)]
    assert fallback.message.startswith("claude-3-5-haiku-20241022 (the fallback when no `model` is passed) was retired")
    relying = line_of(PROJECT, "app/calls.py", "Configurable(), ")
    assert fallback.message.endswith(f"{PROJECT.name}/app/calls.py:{relying})")


def test_the_legacy_text_completions_call_is_a_claude_call_for_model_rules_only():
    result = _lint(select=("ALL",))
    line = line_of(PROJECT, "app/helpers.py", "client.completions.create(")
    legacy = [f for f in result.findings if relative(f.path, PROJECT) == "app/helpers.py" and f.line == line]
    assert [f.code for f in legacy] == ["TB302"]
    assert "legacy Text Completions API" in legacy[0].message


REGISTRY = Path(__file__).parent / "cases" / "project_registry"
REGISTRY_CURRENT = Path(__file__).parent / "cases" / "project_registry_current"


def _lint_project(root: Path):
    options = {**DEFAULTS, "today": "2026-12-01"}
    return lint_paths([root], LintSettings(root=root, select=("TB302", "TB303"), cache=False, options=options))


def test_a_model_the_callers_take_from_a_model_registry_is_one_of_its_claude_records():
    result = _lint_project(REGISTRY)
    assert not result.errors
    got = {(relative(f.path, REGISTRY), f.line, f.code) for f in result.findings}
    assert got == marked(REGISTRY, ("TB302", "TB303")) and len(got) == 4
    tb303 = next(f for f in result.findings if f.code == "TB303")
    assert "'claude-opus-4-5-20251124' among the values the call may take (the Claude models of the model " \
           "registry in " in tb303.message and "app/registry.py" in tb303.message
    assert "gpt-4o-mini" not in " ".join(f.message for f in result.findings)


def test_a_registry_with_one_current_claude_record_keeps_its_wrappers_silent():
    result = _lint_project(REGISTRY_CURRENT)
    assert not result.errors
    assert [(relative(f.path, REGISTRY_CURRENT), f.line, f.code) for f in result.findings] == []


FALLBACKS = '''import anthropic

client = anthropic.Anthropic()


def ask(prompt):
    for model in {ids}:  # a fallback chain: each id is sent in turn until one answers
        try:
            return client.messages.create(model=model, max_tokens=100, messages=[{{"role": "user", "content": prompt}}])
        except anthropic.APIError:
            continue
'''


def test_a_loop_over_literal_model_ids_sends_each_of_them(tmp_path: Path):
    (tmp_path / "retired.py").write_text(FALLBACKS.format(ids='["claude-3-7-sonnet-20250219", "claude-3-5-sonnet-20241022"]'))
    (tmp_path / "current.py").write_text(FALLBACKS.format(ids='("claude-3-5-sonnet-20241022", "claude-sonnet-4-6")'))
    (tmp_path / "docs.py").write_text(FALLBACKS.format(ids='["a report", "claude notes"]'))  # not ids: unknown
    result = _lint_project(tmp_path)
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("retired.py", "TB302")]
    assert "(and claude-3-5-sonnet-20241022, the other values it takes: all retired" in result.findings[0].message


ARGS = '''import argparse

import anthropic


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="claude-3-haiku-20240307")
    parser.add_argument("--judge", required=True)
    args = parser.parse_args()
    client = anthropic.Anthropic()
    client.messages.create(model=args.model, max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    client.messages.create(model=args.judge, max_tokens=10, messages=[{"role": "user", "content": "hi"}])
'''


def test_a_command_line_default_read_at_the_request_is_the_model_sent(tmp_path: Path):
    (tmp_path / "score.py").write_text(ARGS)
    result = _lint_project(tmp_path)
    assert [(f.line, f.code) for f in result.findings] == [(12, "TB302")]  # --judge is required: any id


HELPER_ARGS = '''import argparse

import anthropic


class Client:
    def __init__(self, model="claude-haiku-4-5"):
        self.model = model

    def call(self, text):
        return anthropic.Anthropic().messages.create(model=self.model, max_tokens=100,
                                                     messages=[{"role": "user", "content": text}])


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="claude-sonnet-4-20250514")
    return p.parse_args()


def main():
    args = parse_args()
    Client(model=args.model).call("hi")
'''


def test_a_command_line_default_parsed_by_a_helper_is_the_model_sent(tmp_path: Path):
    # pipeline-scaffold: `args = parse_args()`, a module helper ending `return p.parse_args()`
    (tmp_path / "pipeline.py").write_text(HELPER_ARGS)
    result = _lint_project(tmp_path)
    assert [(f.line, f.code) for f in result.findings] == [(11, "TB302")]
    assert "claude-sonnet-4-20250514" in result.findings[0].message


def test_a_configuration_made_when_none_is_passed_gives_its_default_model(tmp_path: Path):
    """``self.config = config or CollectorConfig()``: the construction is the fallback, read like
    ``row.model or "claude-..."``; its field's default is the model sent."""
    (tmp_path / "config.py").write_text('from pydantic_settings import BaseSettings\n\n\n'
                                        'class CollectorConfig(BaseSettings):\n'
                                        '    anthropic_model: str = "claude-3-5-sonnet-20241022"\n')
    (tmp_path / "client.py").write_text('''import anthropic

from config import CollectorConfig


class ClaudeClient:
    def __init__(self, config=None):
        self.config = config or CollectorConfig()
        self.client = anthropic.Anthropic()
        self.model = self.config.anthropic_model

    def generate(self, prompt):
        return self.client.messages.create(model=self.model, max_tokens=100,
                                           messages=[{"role": "user", "content": prompt}])
''')
    result = _lint_project(tmp_path)
    assert [(Path(f.path).name, f.line, f.code) for f in result.findings] == [("client.py", 13, "TB302")]


NICKNAMES = '''import anthropic

NICKNAMES = {"sonnet-35": "claude-3-5-sonnet-20240620", "haiku-45": "claude-haiku-4-5"}


def ask(prompt, model="sonnet-35"):
    if model in NICKNAMES:
        model = NICKNAMES[model]
    return anthropic.Anthropic().messages.create(model=model, max_tokens=100,
                                                 messages=[{"role": "user", "content": prompt}])
'''


def test_a_nickname_looked_up_through_the_parameter_itself_is_the_id_it_maps_to():
    # icl-w2s: model = model_nicknames[model]; the default nickname maps to a retired id
    from pytest_tokenbudget.lint.api import lint_source

    (finding,) = lint_source(NICKNAMES, select=["TB302", "TB303"])
    assert finding.code == "TB302" and "claude-3-5-sonnet-20240620 was retired" in finding.message
    assert lint_source(NICKNAMES.replace('model="sonnet-35"', 'model="haiku-45"'), select=["TB302", "TB303"]) == []


FILLED_AFTER_PARSING = '''import argparse

import anthropic


def summarize(text, model):
    return anthropic.Anthropic().messages.create(model=model, max_tokens=500,
                                                 messages=[{"role": "user", "content": text}])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provider", default="anthropic")
    parser.add_argument("--model")
    args = parser.parse_args()
    if not args.model:
        if args.provider == "anthropic":
            args.model = "claude-sonnet-4-20250514"
        elif args.provider == "ollama":
            args.model = "llama3.1"
    {after}
    print(summarize(open("doc.txt").read(), args.model))
'''


def test_an_option_filled_after_parsing_when_unset_is_the_model_it_is_filled_with(tmp_path):
    # summarize-documents: no --model default; `if not args.model:` picks one per provider after parsing
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'cli'\n")
    settings = LintSettings(root=tmp_path, select=("TB302", "TB303"), cache=False)
    (tmp_path / "cli.py").write_text(FILLED_AFTER_PARSING.replace("{after}", "pass"))
    [f] = lint_paths([tmp_path], settings).findings
    assert f.code == "TB302" and "claude-sonnet-4-20250514" in f.message and "llama" not in f.message
    # set again outside the guard: the user's or the code's value, not knowable
    (tmp_path / "cli.py").write_text(FILLED_AFTER_PARSING.replace("{after}", "args.model = pick_model()"))
    assert lint_paths([tmp_path], settings).findings == []


def test_a_model_the_project_sets_on_an_instance_is_not_the_class_default():
    """``generator = CommitMessageGenerator(); generator.model = args.model`` (app/commit_cli.py): the
    retired id __init__ stores is only a fallback the command line always replaces; a class whose
    instances nobody assigns keeps its own id (cases/project_instance_models)."""
    project = Path(__file__).parent / "cases" / "project_instance_models"
    options = {**DEFAULTS, "today": "2026-12-01"}
    result = lint_paths([project], LintSettings(root=project, select=("TB302",), cache=False, options=options))
    got = {(relative(f.path, project), f.line, f.code) for f in result.findings}
    assert got == marked(project, ("TB302",)) == {("app/commit_messages.py", 21, "TB302")}


NESTED_SETTINGS = '''from functools import lru_cache

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings


class ClaudeConfig(BaseModel):
    model: str = Field(default="claude-sonnet-4-5-20250929", description="Claude model name")
    max_tokens: int = Field(default=4096, ge=1)


class Settings(BaseSettings):
    claude: ClaudeConfig = Field(default_factory=ClaudeConfig)
    fallback: ClaudeConfig = Field(default_factory=lambda: ClaudeConfig(model="claude-haiku-4-5"))
    extra: dict = Field(default_factory=dict)


@lru_cache()
def get_settings() -> Settings:
    return Settings()
'''


def test_a_nested_section_of_the_settings_gives_its_default_model(tmp_path: Path):
    """test-ocr-models: ``settings = get_settings()`` (imported, cached) in the function, and
    ``settings.claude.model`` a field of a section the settings build with ``default_factory``:
    the section's default is the model sent when the environment sets nothing, as an
    ``os.getenv`` default is. A section built with another model sends that one."""
    (tmp_path / "config.py").write_text(NESTED_SETTINGS)
    (tmp_path / "ocr.py").write_text('''from anthropic import Anthropic

from config import get_settings


def transcribe(page):
    settings = get_settings()
    return Anthropic().messages.create(model=settings.claude.model, max_tokens=settings.claude.max_tokens,
                                       messages=[{"role": "user", "content": page}])


def retry(page):
    settings = get_settings()
    return Anthropic().messages.create(model=settings.fallback.model, max_tokens=100,
                                       messages=[{"role": "user", "content": page}])
''')
    result = _lint_project(tmp_path)
    assert [(Path(f.path).name, f.line, f.code) for f in result.findings] == [("ocr.py", 8, "TB302")]
    assert "claude-sonnet-4-5-20250929" in result.findings[0].message
    assert "config.py:8) was retired" in result.findings[0].message  # (model defined at .../config.py:8)


def test_a_settings_field_whose_default_is_an_env_default_gives_that_default(tmp_path: Path):
    """Claude-API-Teacher-Agents: ``CLAUDE_MODEL: str = os.getenv("CLAUDE_MODEL", "claude-...")`` in
    a ``BaseSettings``; the field holds the getter's default, not the variable's name."""
    (tmp_path / "config.py").write_text('''import os

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    CLAUDE_MODEL: str = os.getenv("CLAUDE_MODEL", "claude-3-7-sonnet-20250219")


settings = Settings()
''')
    (tmp_path / "client.py").write_text('''import anthropic

from config import settings


class ClaudeClient:
    def __init__(self, model=None):
        self.model = model or settings.CLAUDE_MODEL
        self.client = anthropic.AsyncAnthropic()

    async def send(self, message):
        return await self.client.messages.create(model=self.model, max_tokens=100,
                                                 messages=[{"role": "user", "content": message}])
''')
    result = _lint_project(tmp_path)
    assert [(Path(f.path).name, f.line, f.code) for f in result.findings] == [("client.py", 12, "TB302")]
    assert "claude-3-7-sonnet-20250219" in result.findings[0].message
