"""TB101 stays silent where caching is switched on by a library or a wrapper's own flag.

The libraries' switches checked against their documentation: LiteLLM's
``cache_control_injection_points`` (completion calls and proxy config), pydantic-ai's
``AnthropicModelSettings(anthropic_cache_instructions=True, anthropic_cache_tool_definitions=True)``,
LangChain's ``AnthropicPromptCachingMiddleware``; the SDK's own automatic caching reached through
``extra_body``. A project wrapper that marks the prompt behind an ``enable_caching`` flag (a block
marker set on an element of the list it sends, a conditional ``**kwargs``, a conditional argument)
is caching too: the same wrapper without the marker is reported.
"""

from __future__ import annotations

from pathlib import Path

from pytest_tokenbudget.lint.api import LintSettings, lint_paths

SYSTEM = 'SYSTEM = "You are a meticulous support agent who follows every rule. " * 400\n'

LIBRARIES = '''import anthropic
import litellm
from langchain.agents import create_agent
from langchain_anthropic import ChatAnthropic
from langchain_anthropic.middleware import AnthropicPromptCachingMiddleware
from pydantic_ai import Agent
from pydantic_ai.models.anthropic import AnthropicModelSettings

from prompts import SYSTEM

client = anthropic.Anthropic()


def sdk_extra_body(q):
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=SYSTEM,
                                  extra_body={"cache_control": {"type": "ephemeral"}},
                                  messages=[{"role": "user", "content": q}])


def via_litellm(q):
    return litellm.completion(model="anthropic/claude-sonnet-4-5", max_tokens=512,
                              messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": q}],
                              cache_control_injection_points=[{"location": "message", "role": "system"}])


agent = create_agent(model=ChatAnthropic(model="claude-sonnet-4-5"), system_prompt=SYSTEM,
                     middleware=[AnthropicPromptCachingMiddleware(ttl="5m")])
typed = Agent("anthropic:claude-sonnet-4-5", system_prompt=SYSTEM,
              model_settings=AnthropicModelSettings(anthropic_cache_instructions=True))


def via_agents(q):
    return agent.invoke({"messages": [{"role": "user", "content": q}]}), typed.run_sync(q)
'''

WRAPPER = '''import anthropic


class ClaudeClient:
    def __init__(self, enable_caching: bool = True):
        self.client = anthropic.Anthropic()
        self.enable_caching = enable_caching

    def marked_element(self, system: str, question: str):
        blocks = [{"type": "text", "text": system}]
        if self.enable_caching:
            blocks[-1]["cache_control"] = {"type": "ephemeral"}
        return self.client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=blocks,
                                           messages=[{"role": "user", "content": question}])

    def updated_element(self, system: str, question: str):
        blocks = [{"type": "text", "text": system}]
        if self.enable_caching:
            blocks[0].update(cache_control={"type": "ephemeral"})
        return self.client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=blocks,
                                           messages=[{"role": "user", "content": question}])

    def conditional_kwargs(self, system: str, question: str):
        extra = {"cache_control": {"type": "ephemeral"}} if self.enable_caching else {}
        return self.client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=system,
                                           messages=[{"role": "user", "content": question}], **extra)

    def conditional_argument(self, system: str, question: str):
        return self.client.messages.create(
            model="claude-sonnet-4-5", max_tokens=512, system=system,
            cache_control={"type": "ephemeral"} if self.enable_caching else anthropic.NOT_GIVEN,
            messages=[{"role": "user", "content": question}])

    def never_marked(self, system: str, question: str):
        blocks = [{"type": "text", "text": system}]
        return self.client.messages.create(model="claude-sonnet-4-5", max_tokens=512, system=blocks,
                                           messages=[{"role": "user", "content": question}])
'''

APP = '''from prompts import SYSTEM
from wrapper import ClaudeClient

bot = ClaudeClient(enable_caching=True)


def handle(q):
    return (bot.marked_element(SYSTEM, q), bot.updated_element(SYSTEM, q), bot.conditional_kwargs(SYSTEM, q),
            bot.conditional_argument(SYSTEM, q), bot.never_marked(SYSTEM, q))
'''


def _lint(tmp_path: Path, files: dict[str, str]):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "prompts.py").write_text(SYSTEM)
    for name, text in files.items():
        (root / name).write_text(text)
    result = lint_paths([root], LintSettings(root=root, select=("TB101",), cache=False))
    return [(Path(f.path).name, f.line) for f in result.findings]


def test_library_caching_switches_keep_tb101_silent(tmp_path):
    assert _lint(tmp_path, {"app.py": LIBRARIES}) == []


def test_a_wrappers_enable_caching_flag_is_caching(tmp_path):
    never = WRAPPER.splitlines().index("    def never_marked(self, system: str, question: str):") + 3
    assert _lint(tmp_path, {"wrapper.py": WRAPPER, "app.py": APP}) == [("wrapper.py", never)]
