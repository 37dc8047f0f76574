"""Prompts a request builds through project helpers, and the model a mistyped dated id names.

* TB501: a prompt file read at run time through a local helper (``read_prompt_template(path)``)
  and filled by straight-line ``.replace`` steps in another helper; a JSON schema text appended as
  the last system block by a block-builder method. Silent twins: the same helpers with a file that
  asks for no JSON, and a builder that appends the block inside a loop (not always sent); a
  prompt method with a return per branch asks for JSON when every return does (silent twin: one
  return that does not); a prompt loader called without arguments reads the file its parameter's
  default names (silent twin: called with another version).
* TB301: ``claude-opus-4-20250805`` (no such snapshot) still names the Opus line: a premium model
  on a classification. Silent twin: an id whose undated form is unknown too.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

JSON_ASK = 'Answer ONLY in JSON format with the key "output".\n##Passage:\n<passage>\n'
PLAIN_ASK = "Write the notes as short bullet points.\n##Passage:\n<passage>\n"

FILE_HELPERS = '''
import anthropic
client = anthropic.Anthropic()

def read_prompt_template(file_path):
    with open(file_path, "r") as file:
        return file.read()

def create_prompt(passage, template, count):
    prompt = template.replace("<passage>", passage)
    prompt = prompt.replace("<count>", str(count))
    return prompt

def generate(context):
    template = read_prompt_template("{name}")
    prompt = create_prompt(context, template, 3)
    return client.messages.create(model="claude-haiku-4-5", max_tokens=1000,
                                  messages=[{{"role": "user", "content": prompt}}])
'''

BUILDER = '''
import anthropic
SCHEMA = "Provide your analysis as a valid JSON object: {{\\"score\\": 1-10, \\"reason\\": \\"...\\"}}"
class Provider:
    def __init__(self, enable_cache=True):
        self.client = anthropic.Anthropic()
        self.enable_cache = enable_cache

    def _system(self):
        messages = [{{"type": "text", "text": "You are a product analyst."}}]
        {append}
        if not self.enable_cache:
            messages = [{{k: v for k, v in m.items() if v is not None}} for m in messages]
        return messages

    def analyze(self, product):
        return self.client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=self._system(),
                                           messages=[{{"role": "user", "content": product}}])
'''
ALWAYS = ('messages.append({"type": "text", "text": SCHEMA, '
          '"cache_control": {"type": "ephemeral"} if self.enable_cache else None})')
IN_LOOP = ('for extra in ([] if self.enable_cache else [SCHEMA]):\n'
           '            messages.append({"type": "text", "text": extra})')

CLASSIFY = '''
import anthropic
client = anthropic.Anthropic()
def label(headline):
    return client.messages.create(model="{model}", max_tokens=50, messages=[{{"role": "user", "content":
        f"Classify the sentiment of this headline as positive, negative or neutral: {{headline}}"}}])
'''


def _lint(tmp_path: Path, files: dict[str, str], select: str) -> set[tuple[str, int, str]]:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "t"\n')
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=(select,), cache=False))
    assert not result.errors
    return {(Path(f.path).name, f.line, f.code) for f in result.findings}


def test_prompt_file_read_through_helpers_asks_for_json(tmp_path: Path):
    got = _lint(tmp_path, {"notes.py": FILE_HELPERS.format(name="notes_prompt.txt"), "notes_prompt.txt": JSON_ASK,
                           "plain.py": FILE_HELPERS.format(name="plain_prompt.txt"), "plain_prompt.txt": PLAIN_ASK},
                "TB501")
    assert got == {("notes.py", 17, "TB501")}


def test_schema_block_appended_by_a_builder_method(tmp_path: Path):
    got = _lint(tmp_path, {"always.py": textwrap.dedent(BUILDER.format(append=ALWAYS)),
                           "looped.py": textwrap.dedent(BUILDER.format(append=IN_LOOP))}, "TB501")
    assert got == {("always.py", 17, "TB501")}


def test_dated_id_of_no_snapshot_still_names_its_tier(tmp_path: Path):
    got = _lint(tmp_path, {"opus.py": CLASSIFY.format(model="claude-opus-4-20250805"),
                           "nothing.py": CLASSIFY.format(model="claude-opus-9-20250805")}, "TB301")
    assert got == {("opus.py", 5, "TB301")}


HEADLINE = '''
import anthropic
client = anthropic.Anthropic()
def analyze(firm, title):
    prompt = f"""You are a media analyst. Analyze this press release: {{firm}}: {{title}}
Return ONLY valid JSON:
{{{{
    "entity_type": "one of: fund_launch, leadership_change, partnership, regulatory",
    "sentiment": "positive, neutral, or negative",
    "relevance_score": 1-10,
    "story_opportunity": "a potential article or newsletter angle (or null)"
}}}}"""
    return client.messages.create(model="claude-opus-4-6", max_tokens={budget},
                                  messages=[{{"role": "user", "content": prompt}}])
'''


def test_label_template_under_a_small_budget_is_a_classification(tmp_path: Path):
    """Bare labels in the template's fields and a 350-token answer: the 'article' a field mentions
    cannot be written in it. With a 4,000-token budget the same words are real work: silent."""
    got = _lint(tmp_path, {"small.py": HEADLINE.format(budget=350), "large.py": HEADLINE.format(budget=4000)}, "TB301")
    assert got == {("small.py", 13, "TB301")}


FLAGS = '''
import anthropic
LONG = "Policy clause about refunds, returns and shipping times. " * 300
class Bot:
    def __init__(self, cache=False):
        self.client = anthropic.Anthropic()
        self.cache = cache

    def ask(self, q):
        system = [{{"type": "text", "text": LONG, "cache_control": {{"type": "ephemeral"}}}}] if self.cache else LONG
        return self.client.messages.create(model="claude-sonnet-4-5", max_tokens=256, system=system,
                                           messages=[{{"role": "user", "content": q}}])

def ask(client, q, cache=False):
    system = [{{"type": "text", "text": LONG, "cache_control": {{"type": "ephemeral"}}}}] if cache else LONG
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=256, system=system,
                                  messages=[{{"role": "user", "content": q}}])
'''


def test_a_setting_decides_a_branch_a_per_call_parameter_does_not(tmp_path: Path):
    """``self.cache`` (the constructor's default False) picks the uncached branch: TB101. The
    function's own ``cache`` parameter is each caller's choice: both branches stay possible, silent."""
    got = _lint(tmp_path, {"flags.py": FLAGS.format()}, "TB101")
    assert got == {("flags.py", 11, "TB101")}


TWO_RETURNS = '''
import anthropic


class Insights:
    def __init__(self):
        self.client = anthropic.Anthropic()

    def _prompt(self, notes, category=None):
        focus = {{"growth": "Focus on growth.", "themes": "Focus on themes."}}
        if category and category in focus:
            return f"""Analyze these notes.
{{focus[category]}}
{{notes}}
{first}"""
        return f"""Analyze these notes for every category.
{{notes}}
{second}"""

    def generate(self, notes, category=None):
        prompt = self._prompt(notes, category=category)
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=4096,
                                           messages=[{{"role": "user", "content": prompt}}])
'''
JSON_LINE = "Return ONLY valid JSON (no markdown, no explanation)."


def test_a_method_with_several_returns_asks_for_json_when_every_return_does(tmp_path: Path):
    """``self._prompt(...)`` with a return per branch: each return is a candidate prompt, and the
    request asks for JSON only when every candidate does."""
    got = _lint(tmp_path, {"both.py": TWO_RETURNS.format(first=JSON_LINE, second=JSON_LINE),
                           "one.py": TWO_RETURNS.format(first=JSON_LINE, second="Answer in a short paragraph.")},
                "TB501")
    assert got == {("both.py", 22, "TB501")}


UNPACKED = '''
import anthropic
from app.prompts import build_prompt

client = anthropic.Anthropic()


def label(article):
    system_msg, user_msg = build_prompt(article)
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=system_msg,
                                  messages=[{"role": "user", "content": user_msg}])


def label_three(article):
    system_msg, user_msg = build_prompt(article)[0], "x"
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=system_msg,
                                  messages=[{"role": "user", "content": user_msg}])


def label_mismatched(article):
    system_msg, user_msg, extra = build_prompt(article)
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=system_msg,
                                  messages=[{"role": "user", "content": user_msg}])
'''


def test_a_prompt_builder_returning_system_and_user_is_unpacked(tmp_path: Path):
    # system_msg, user_msg = build_prompt(x): each name is its item of the returned pair; a count that
    # does not match the pair cannot be told apart and stays unknown
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'labeller'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    system = "You are a meticulous credit analyst labelling news for default risk. " * 120
    (tmp_path / "app" / "prompts.py").write_text(
        f'SYSTEM = """{system}"""\n\n\ndef build_prompt(article):\n    return SYSTEM, f"Label: {{article}}"\n')
    (tmp_path / "app" / "label.py").write_text(UNPACKED)
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False))
    assert sorted(f.line for f in result.findings) == [10, 17]  # the system= lines of label and label_three


LOADER_METHOD = '''import json
from pathlib import Path

import anthropic


class Analyzer:
    def __init__(self, provider="claude"):
        self.provider = provider
        self.prompt_dir = Path(__file__).parent / "prompts"
        self.client = anthropic.Anthropic()

    def _load_prompt(self, name):
        path = self.prompt_dir / f"{name}.txt"
        if not path.exists():
            raise FileNotFoundError(path)
        return path.read_text(encoding="utf-8").strip()

    def _call_claude(self, system_prompt, text):
        response = self.client.messages.create(model="claude-haiku-4-5", max_tokens=2048, system=system_prompt,
                                               messages=[{"role": "user", "content": text}])
        return response.content[0].text

    def extract(self, text):
        raw = self._call_claude(self._load_prompt("PROMPT_NAME"), text)
        return json.loads(raw[raw.find("{"):raw.rfind("}") + 1])

    def extract_here(self, text):
        response = self.client.messages.create(model="claude-haiku-4-5", max_tokens=2048,
                                               system=self._load_prompt("PROMPT_NAME"),
                                               messages=[{"role": "user", "content": text}])
        return json.loads(response.content[0].text)
'''


def test_a_prompt_loader_method_reads_the_folder_init_sets(tmp_path: Path):
    """ai-document-analyzer: ``self._load_prompt("extract")`` reads ``self.prompt_dir / "extract.txt"``,
    the folder ``__init__`` sets from ``__file__`` (no parameter enters it), after a local name and a
    guard that raises; the prompt asks for a JSON object (in German). Passed through a wrapper's
    parameter or straight to the call. Silent twin: the same loader on a file that asks for notes."""
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "extract.txt").write_text("Extrahiere die Daten. Gib das Ergebnis als JSON-Objekt "
                                                      'zurück: {"datum": "2024-03-15", "betrag": null}\n')
    (tmp_path / "prompts" / "notes.txt").write_text(PLAIN_ASK)
    got = _lint(tmp_path, {"extract.py": LOADER_METHOD.replace("PROMPT_NAME", "extract"),
                           "notes.py": LOADER_METHOD.replace("PROMPT_NAME", "notes")}, "TB501")
    assert got == {("extract.py", 20, "TB501"), ("extract.py", 29, "TB501")}


def test_a_prompt_loader_method_with_a_local_and_a_guard_gives_the_prefix_size(tmp_path: Path):
    """The same loader straight in the request (``system=self._load_prompt("core")``): a body of a
    local name, a guard that raises and one return is read with the argument bound, so the ~1,200
    tokens of the file are a static prefix (TB101 on Sonnet 4.6). Silent twin: a short file."""
    (tmp_path / "prompts").mkdir()
    rule = "Check each clause of the contract for risk, cite the section number and quote the words.\n"
    (tmp_path / "prompts" / "core.txt").write_text(rule * 60)
    (tmp_path / "prompts" / "short.txt").write_text(rule)
    head, tail = LOADER_METHOD.split("    def _call_claude")[0], LOADER_METHOD.split("    def extract_here")[1]
    loader = (head + "    def extract_here" + tail).replace("claude-haiku-4-5", "claude-sonnet-4-6")
    got = _lint(tmp_path, {"core.py": loader.replace("PROMPT_NAME", "core"),
                           "short.py": loader.replace("PROMPT_NAME", "short")}, "TB101")
    assert got == {("core.py", 21, "TB101")}


DEFAULT_LOADER = '''
from pathlib import Path

PROMPTS_DIR = Path(__file__).parent / "prompts"
VERSION = "analyst_v2"


def load_system_prompt(version: str = VERSION) -> str:
    path = PROMPTS_DIR / f"{version}.txt"
    if not path.exists():
        raise FileNotFoundError(path)
    return path.read_text(encoding="utf-8")
'''
DEFAULT_CALLER = '''
import anthropic

from builder import load_system_prompt

client = anthropic.Anthropic()


def analyze(report):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, system=load_system_prompt(ARG),
                                  messages=[{"role": "user", "content": report}])
'''


def test_a_prompt_loader_called_without_arguments_reads_the_file_its_default_names(tmp_path: Path):
    """TSI: ``load_system_prompt()`` builds the path from its parameter's default (``"analyst_v2"``),
    the one file such a call reads; that prompt asks for a JSON block. Silent twin: the same loader
    called with another version, whose file asks for prose."""
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "analyst_v2.txt").write_text("Produce un bloque JSON con esta estructura: "
                                                         '{"tactics": [], "confidence": 0}\n')
    (tmp_path / "prompts" / "prose_v1.txt").write_text(PLAIN_ASK)
    got = _lint(tmp_path, {"builder.py": DEFAULT_LOADER, "default.py": DEFAULT_CALLER.replace("ARG", ""),
                           "other.py": DEFAULT_CALLER.replace("ARG", '"prose_v1"')}, "TB501")
    assert got == {("default.py", 10, "TB501")}
