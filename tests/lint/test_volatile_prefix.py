"""TB104 across modules: a prompt helper elsewhere in the project that stamps the time into a
system prompt a wrapper caches, built the common way (a list of parts filled by appends and joined);
and today's date, which changes once a day, so the text around it is one cacheable prefix.

Driven through the public entry point (``lint_paths``) on small projects written to tmp_path, plus
the project index's public ``Project.value`` for what a filled list resolves to.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.analysis.values import Text, static_text, volatile_parts
from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.project import Project

WRAPPER = '''
import anthropic
from app.prompts import build

client = anthropic.Anthropic()


def call(system, question, tools=None):
    kwargs = {"model": "claude-sonnet-4-6", "max_tokens": 512, "messages": [{"role": "user", "content": question}],
              "system": [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]}
    if tools:
        kwargs["tools"] = list(tools)
    return client.messages.create(**kwargs)


def answer(question, tools):
    return call(build("support"), question, tools)
'''


def _project(tmp_path: Path, prompts: str, wrapper: str = WRAPPER) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n')
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "prompts.py").write_text(textwrap.dedent(prompts))
    (app / "client.py").write_text(textwrap.dedent(wrapper))
    return tmp_path


def _tb104(root: Path) -> list[tuple[str, int, str]]:
    result = lint_paths([root], LintSettings(root=root, select=("TB104",), cache=False))
    assert not result.errors
    return [(Path(f.path).name, f.line, f.message) for f in result.findings]


PARTS = '''
from datetime import datetime

BASE = "You answer questions about the product."


def build(team, extra=None):
    parts: list[str] = []
    parts.append(BASE)
    if extra:
        parts.append(extra)
    parts.append(f"Now: {datetime.now().strftime(FORMAT)}")
    parts.append(f"Team: {team}")
    return "\\n".join(parts)
'''


def test_time_to_the_minute_from_a_helper_in_another_module_is_reported_at_the_cached_request(tmp_path):
    root = _project(tmp_path, PARTS.replace("FORMAT", "'%d.%m.%Y %H:%M'"))
    found = _tb104(root)
    assert [(f, line) for f, line, _ in found] == [("client.py", 13)]
    assert "datetime.datetime.now()" in found[0][2] and "passed by caller" in found[0][2]


def test_a_date_to_the_day_in_the_cached_prompt_is_silent(tmp_path):
    root = _project(tmp_path, PARTS.replace("FORMAT", "'%d.%m.%Y'"))
    assert _tb104(root) == []


def test_the_time_in_a_system_prompt_that_is_not_cached_is_silent(tmp_path):
    uncached = WRAPPER.replace(', "cache_control": {"type": "ephemeral"}', "")
    root = _project(tmp_path, PARTS.replace("FORMAT", "'%H:%M'"), uncached)
    assert _tb104(root) == []


def test_the_time_after_the_cache_breakpoint_is_silent(tmp_path):
    after = WRAPPER.replace('"content": question', '"content": f"{stamp()} {question}"').replace(
        "import anthropic", "import anthropic, time\n\ndef stamp():\n    return time.strftime('%H:%M')")
    root = _project(tmp_path, PARTS.replace("FORMAT", "'%d.%m.%Y'"), after)
    assert _tb104(root) == []


def test_a_list_filled_by_appends_resolves_to_its_items_in_order(tmp_path):
    root = _project(tmp_path, PARTS.replace("FORMAT", "'%H:%M'"))
    value, _, _ = Project(root, None).value("app.prompts.build", str(root / "app" / "client.py"), call=True)
    assert isinstance(value, Text)
    text = static_text(value)
    # the conditional append is a hole between BASE and the stamp, never dropped silently
    assert text.startswith("You answer questions about the product.\n") and "\nNow: " in text
    assert len(value.holes) == 3
    assert [p.volatile for p in volatile_parts(value)] == ["datetime.datetime.now()"]


@pytest.mark.parametrize("use", ["helper(parts)", "helper(xs=parts)", "alias = parts; alias.append('x')",
                                 "parts.insert(0, 'x')", "parts[0] = 'x'"])
def test_a_list_changed_in_other_ways_is_unknown_not_empty(tmp_path, use):
    prompts = f'''
    def helper(xs):
        xs.append("more")


    def build(team):
        parts = ["Base."]
        parts.append("Team.")
        {use}
        return "\\n".join(parts)
    '''
    root = _project(tmp_path, prompts)
    value, _, _ = Project(root, None).value("app.prompts.build", str(root / "app" / "client.py"), call=True)
    assert not isinstance(value, (str, Text))


@pytest.mark.parametrize("stamp, volatile", [
    ("date.today().isoformat()", False),            # a date: the prefix changes once a day
    ("datetime.now().date()", False),
    ("time.strftime('%Y-%m-%d')", False),
    ("datetime.now().isoformat()", True),           # a timestamp: a new prefix on every call
    ("time.strftime('%H:%M:%S')", True),
    ("str(uuid.uuid4())", True),
])
def test_only_values_finer_than_a_day_make_the_cached_prompt_volatile(tmp_path, stamp, volatile):
    prompts = f'''
    import time, uuid
    from datetime import date, datetime


    def build(team):
        parts = ["You answer questions about the product."]
        parts.append(f"Stamp: {{{stamp}}}")
        return "\\n".join(parts)
    '''
    root = _project(tmp_path, prompts)
    assert bool(_tb104(root)) is volatile


RULES = " ".join(f"Rule {i}: answer the traveller's question about station {i} politely." for i in range(300))


@pytest.mark.parametrize("stamp", ["{date.today().isoformat()}", "{date.today()}", "{datetime.now():%Y-%m-%d}",
                                   "{time.strftime('%d.%m.%Y')}"])
@pytest.mark.parametrize("where", ["here", "prompts module"])
def test_rules_after_today_s_date_are_one_cached_prefix_not_static_after_dynamic(tmp_path, stamp, where):
    # taiwan-travel-ai: "今天的日期是 {date.today().isoformat()}" then ~3,000 tokens of rules, resent by a
    # tool loop: the prefix is the same all day, so it is TB101's (cache it), not TB105's (move it)
    prompt = f'f"Today is {stamp}.\\n{RULES}"'
    head = "import time\nfrom datetime import date, datetime\n"
    if where == "here":
        body = f"{head}SYSTEM = {prompt}\n"
    else:
        (tmp_path / "prompts.py").write_text(f"{head}\n\ndef system():\n    return {prompt}\n")
        body = "from prompts import system\nSYSTEM = system()\n"
    (tmp_path / "agent.py").write_text(body + textwrap.dedent('''
        import anthropic

        client = anthropic.Anthropic()


        def turn(messages):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=SYSTEM,
                                          messages=messages)
        '''))
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101", "TB104", "TB105"), cache=False))
    [finding] = result.findings
    assert finding.code == "TB101" and "system" in finding.message


def test_today_s_date_kept_in_another_module_reads_the_same_from_the_index_cache(tmp_path):
    # the project index stores TODAY in its cache file: a warm run (agent.py edited, prompts.py
    # read back from the cache) must still see a date, not an unknown hole splitting the prefix
    (tmp_path / "prompts.py").write_text(f"from datetime import date\n\nTODAY = date.today()\nRULES = {RULES!r}\n")
    agent = textwrap.dedent('''
        import anthropic
        from prompts import RULES, TODAY

        client = anthropic.Anthropic()


        def turn(messages):
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
                                          system=f"Today is {TODAY}.\\n{RULES}", messages=messages)
        ''')
    (tmp_path / "agent.py").write_text(agent)
    settings = LintSettings(root=tmp_path, select=("TB101", "TB105"), cache_dir=tmp_path / ".cache")
    cold = [(f.code, f.line) for f in lint_paths([tmp_path], settings).findings]
    (tmp_path / "agent.py").write_text(agent + "\n# edited\n")
    warm = [(f.code, f.line) for f in lint_paths([tmp_path], settings).findings]
    assert cold == warm == [("TB101", 10)]
