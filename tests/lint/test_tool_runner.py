"""``client.beta.messages.tool_runner(...)``: the SDK's tool loop is a call site that repeats its
request every turn, and its ``@beta_tool`` functions are the definitions the SDK sends
(analysis.function_tools), checked against the real SDK's own rendering."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from pathlib import Path

import libcst as cst

from pytest_tokenbudget.lint.analysis.callsites import extract_call_sites
from pytest_tokenbudget.lint.api import lint_source

TOOLS = '''
import anthropic
from anthropic import beta_tool, beta_async_tool

client = anthropic.Anthropic()
SYSTEM = "You are the support agent of a bank. Check balances before any transfer. " * 80


@beta_tool
def get_balance(account_id: str, include_pending: bool = False) -> str:
    """Return the balance of an account.

    Use it before any payment.

    Args:
        account_id: The account's identifier, such as ACC-100001.
        include_pending (bool): Whether pending transactions count.

    Returns:
        The balance as a string.
    """
    return "100"


@anthropic.beta_tool(name="transfer", description="Move money between two accounts of the same customer.")
def move(source: str, target: str, amount: float, tags: list[str] | None = None) -> str:
    return "ok"


@beta_async_tool
async def history(account_id: str, days: int = 30) -> str:
    """The last transactions of an account."""
    return ""


def answer(question: str) -> str:
    runner = client.beta.messages.tool_runner(model=MODEL, max_tokens=1024, system=SYSTEM,
                                              tools=[get_balance, move], messages=[{"role": "user", "content": question}])
    return runner.until_done().content[0].text
'''


def _module(tmp_path: Path, source: str):
    path = tmp_path / "bank_agent.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("bank_agent", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the real SDK builds each tool's definition
    return module


def test_a_beta_tool_function_is_the_definition_the_sdk_sends(tmp_path: Path):
    source = TOOLS.replace("model=MODEL", 'model="claude-sonnet-4-6"')
    module = _module(tmp_path, source)
    (site,) = extract_call_sites(cst.parse_module(source))
    assert site.kind == "tool_runner" and site.api == "beta.messages.tool_runner"
    sent = [json.loads(json.dumps(t.to_dict())) for t in (module.get_balance, module.move)]
    assert site.args["tools"] == sent


def test_an_async_beta_tool_renders_as_the_sdk_does(tmp_path: Path):
    source = TOOLS.replace("model=MODEL", 'model="claude-sonnet-4-6"').replace("[get_balance, move]", "[history]")
    module = _module(tmp_path, source)
    (site,) = extract_call_sites(cst.parse_module(source))
    assert site.args["tools"] == [json.loads(json.dumps(module.history.to_dict()))]


def test_the_runner_repeats_its_request_so_a_large_prefix_is_tb101_even_in_a_script():
    script = TOOLS.replace("model=MODEL", 'model="claude-sonnet-4-6"').split("def answer")[0] + textwrap.dedent('''
        runner = client.beta.messages.tool_runner(model="claude-sonnet-4-6", max_tokens=1024, system=SYSTEM,
                                                  tools=[get_balance], messages=[{"role": "user", "content": "hi"}])
        print(runner.until_done())
    ''')
    (finding,) = lint_source(script, select=["TB101"])
    assert "tools+system" in finding.message and "497-token tool-use system prompt" in finding.message


def test_a_runner_asked_for_json_without_structured_output_is_tb501():
    # the runner's last reply is an ordinary message: a JSON object asked in words is not enforced
    source = TOOLS.replace("model=MODEL", 'model="claude-sonnet-4-6"').replace(
        '"You are the support agent of a bank. Check balances before any transfer. " * 80',
        '"Check the balances, then reply with a SINGLE JSON object with keys ok and balance, no prose."')
    assert [f.code for f in lint_source(source, select=["TB501"])] == ["TB501"]


def test_model_rules_apply_and_a_loop_of_runs_is_not_a_batch():
    source = TOOLS.replace("model=MODEL", 'model="claude-sonnet-4-20250514"').replace(
        "def answer(question: str) -> str:", "def answer_all(questions):\n    for question in questions:\n        answer(question)\n\n\ndef answer(question: str) -> str:")
    codes = {f.code for f in lint_source(source)}
    assert "TB302" in codes  # a retired model fails on every turn
    assert "TB401" not in codes  # each run is a conversation: its turns wait on each other


def test_beta_tools_imported_from_another_module_render_as_the_sdk_does(tmp_path: Path):
    from pytest_tokenbudget.lint.api import LintSettings, lint_paths
    from pytest_tokenbudget.lint.project import Project

    tools_module = TOOLS.split("def answer")[0]
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'bank'\n")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "__init__.py").write_text("")
    (tmp_path / "bank" / "tools.py").write_text(tools_module)
    (tmp_path / "bank" / "agent.py").write_text(textwrap.dedent('''
        import anthropic
        from .tools import SYSTEM, get_balance, history, move

        client = anthropic.Anthropic()


        def answer(question: str):
            return client.beta.messages.tool_runner(model="claude-sonnet-4-6", max_tokens=1024, system=SYSTEM,
                                                    tools=[get_balance, move, history],
                                                    messages=[{"role": "user", "content": question}]).until_done()
    '''))
    module = _module(tmp_path, tools_module)
    project = Project(tmp_path, named=True)
    agent = str(tmp_path / "bank" / "agent.py")
    for name in ("get_balance", "move", "history"):
        assert project.value(f".tools.{name}", agent)[0] == json.loads(json.dumps(getattr(module, name).to_dict()))
    (finding,) = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings
    assert finding.path.endswith("agent.py") and "tools+system" in finding.message
