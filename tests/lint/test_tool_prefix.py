"""A request that sends tools: its cached prefix is the tools' JSON plus the tool-use system prompt
the API adds for the model (the catalog's ``tool-prompt-tokens``), for TB101, TB102 and the
estimate alike (analysis.prompt)."""

from __future__ import annotations

import textwrap

from pytest_tokenbudget.core.catalog import shipped_catalog
from pytest_tokenbudget.core.tokens import estimate_tokens
from pytest_tokenbudget.lint.analysis.prompt import Block, ToolOverhead, prefix_tokens, tool_json
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Text, iter_texts
from pytest_tokenbudget.lint.api import estimate_source, lint_source

CAT = shipped_catalog()
# a model the project adds itself ([tool.tokenbudget.models]): no published tool-use system prompt
UNPUBLISHED = "claude-sonnet-in-house"
CAT_PLUS = CAT.with_overrides({UNPUBLISHED: {"input": 3, "output": 15, "min-cacheable": 1024}}, where="test")


def _tool(i: int) -> dict:
    return {"name": f"tool_{i}", "description": f"Look up record kind {i} in the archive and return it.",
            "input_schema": {"type": "object", "properties": {
                "record_id": {"type": "string", "description": "The identifier of the record."},
                "include_history": {"type": "boolean", "default": False},
                "max_items": {"type": "integer", "minimum": 1, "maximum": 100}},
                "required": ["record_id"]}}


TOOLS = [_tool(i) for i in range(9)]
TOOLS_TOKENS = estimate_tokens("\n".join(tool_json(t) for t in TOOLS))


def _with(catalog):
    from pathlib import Path

    from pytest_tokenbudget.lint.api import LintSettings

    return LintSettings(root=Path.cwd(), catalog=catalog)


def _agent(model: str) -> str:
    return textwrap.dedent(f'''\
        import anthropic
        client = anthropic.Anthropic()
        TOOLS = {TOOLS!r}

        def turn(history):
            return client.messages.create(model="{model}", max_tokens=1024, tools=TOOLS, messages=history)
    ''')


def test_a_tool_counts_as_its_json_keys_and_types_included():
    tool = _tool(0)
    block = Block("tools", tool, True, False)
    assert block.text == tool_json(tool)
    assert '"properties"' in block.text and '"record_id"' in block.text and '"boolean"' in block.text
    # the string values alone (what a text block counts) miss most of a schema
    assert estimate_tokens(block.text) > 2 * estimate_tokens("".join(iter_texts(tool)))


def test_a_tool_with_a_run_time_setting_renders_its_static_parts():
    tool = {"name": "run", "description": Text(("Run a command (timeout ", "s).")),
            "input_schema": {"type": "object", "properties": {"timeout": {"type": "integer", "default": UNKNOWN}}}}
    assert tool_json(tool) == ('{"name": "run", "description": "Run a command (timeout s).", "input_schema": '
                               '{"type": "object", "properties": {"timeout": {"type": "integer", "default": null}}}}')


def test_the_tool_prompt_counts_only_when_tools_are_sent():
    tools = [Block("tools", t, True, False) for t in TOOLS[:2]]
    system = [Block("system", "Be brief.", True, False)]
    assert prefix_tokens(tools + system, ToolOverhead(496)) == prefix_tokens(tools + system) + 496
    assert prefix_tokens(system, ToolOverhead(496)) == prefix_tokens(system)


def test_tool_prompt_takes_a_tools_prefix_over_the_minimum():
    # the tools alone are short of Sonnet 4.5's 1,024 (with the 5% margin); the 496-token tool prompt is not
    assert TOOLS_TOKENS < 1024 * 1.05 <= TOOLS_TOKENS + 496
    (finding,) = lint_source(_agent("claude-sonnet-4-5"), select=["TB101"])
    assert finding.properties["prefix_tokens"] == TOOLS_TOKENS + 496
    assert "with the 496-token tool-use system prompt the API adds" in finding.message


def test_a_model_without_a_published_tool_prompt_counts_none():
    assert CAT_PLUS.find(UNPUBLISHED).tool_prompt_tokens is None
    assert lint_source(_agent(UNPUBLISHED), select=["TB101"], settings=_with(CAT_PLUS)) == []


def test_a_run_time_setting_inside_a_tool_does_not_end_the_prefix():
    source = textwrap.dedent(f'''\
        import anthropic

        class Agent:
            def __init__(self, timeout: int):
                self.client = anthropic.Anthropic()
                self.timeout = timeout

            def turn(self, history):
                tools = {TOOLS!r} + [{{"name": "shell", "description": "Run a shell command.",
                    "input_schema": {{"type": "object", "properties": {{
                        "command": {{"type": "string"}}, "timeout": {{"type": "integer", "default": self.timeout}}}}}}}}]
                return self.client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, tools=tools,
                                                   messages=history)
    ''')
    (finding,) = lint_source(source, select=["TB101"])
    assert finding.properties["prefix_tokens"] > TOOLS_TOKENS + 496


def test_a_cached_tools_prefix_that_the_tool_prompt_lifts_over_the_minimum_is_not_tb102():
    marked = [*TOOLS[:5], {**TOOLS[5], "cache_control": {"type": "ephemeral"}}]
    tokens = estimate_tokens("\n".join(tool_json(t) for t in marked))
    assert tokens * 1.35 < 1024 <= (tokens + 496) * 1.35  # short of the minimum only without the tool prompt

    def agent(model: str) -> str:
        return _agent(model).replace(repr(TOOLS), repr(marked))

    assert lint_source(agent("claude-sonnet-4-5"), select=["TB102"]) == []
    (below,) = lint_source(agent(UNPUBLISHED), select=["TB102"], settings=_with(CAT_PLUS))
    assert "below the minimum cacheable length" in below.message


def test_the_estimate_counts_the_tool_prompt_of_the_model():
    (known,) = estimate_source(_agent("claude-sonnet-4-5"), path="t.py", catalog=CAT)
    assert known.input_tokens == TOOLS_TOKENS + 496
    assert any("tool-use system prompt the API adds for claude-sonnet-4-5 (496 tokens) is counted" in n
               for n in known.notes)
    (retired,) = estimate_source(_agent("claude-3-5-sonnet-20241022"), path="t.py", catalog=CAT)
    assert retired.input_tokens == TOOLS_TOKENS + 346  # the 2025 table's Claude 3.5 Sonnet (Oct) row
    (unpublished,) = estimate_source(_agent(UNPUBLISHED), path="t.py", catalog=CAT_PLUS)
    assert unpublished.input_tokens == TOOLS_TOKENS
    assert any("tool-use system prompt" in u and "not counted" in u for u in unpublished.unknowns)


def test_a_tool_schema_with_a_negative_bound_in_another_module_has_a_known_size(tmp_path):
    """``"minimum": -0.25`` (a unary minus) in a cached tool list imported from another module: the
    tools are fully known, so a marker on a prefix below Haiku 4.5's 4,096 tokens is TB102 (the
    number was unknown, which left the prefix's size open and the rule silent)."""
    from pathlib import Path

    from pytest_tokenbudget.lint.api import LintSettings, lint_paths

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'sheet'\n")
    (tmp_path / "tools.py").write_text(textwrap.dedent('''
        TOOLS = [{
            "name": "set_tempo",
            "description": "Set the tempo change of the piece, as a fraction of the written tempo.",
            "input_schema": {"type": "object", "properties": {
                "change": {"type": "number", "minimum": -0.25, "maximum": 0.25}}, "required": ["change"]},
            "cache_control": {"type": "ephemeral"},
        }]
    '''))
    (tmp_path / "interpret.py").write_text(textwrap.dedent('''
        import anthropic
        from tools import TOOLS

        client = anthropic.Anthropic()


        def interpret(score):
            return client.messages.create(model="claude-haiku-4-5", max_tokens=500, tools=TOOLS,
                                          messages=[{"role": "user", "content": score}])
    '''))
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB102",), cache=False))
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("interpret.py", "TB102")]


def _forcing(model: str, choice: str) -> str:
    return _agent(model).replace("tools=TOOLS,", f"tools=TOOLS, tool_choice={choice},")


def test_a_forced_tool_choice_adds_the_larger_tool_prompt():
    # the pricing page's two columns: auto/none 496 and any/tool 588 tokens on Sonnet 4.5
    assert (CAT.find("claude-sonnet-4-5").tool_prompt(False), CAT.find("claude-sonnet-4-5").tool_prompt(True)) == (496, 588)
    for choice, extra in [('{"type": "auto"}', 496), ('{"type": "none"}', 496), ('{"type": "any"}', 588),
                          ('{"type": "tool", "name": "tool_0"}', 588)]:
        (finding,) = lint_source(_forcing("claude-sonnet-4-5", choice), select=["TB101"])
        assert finding.properties["prefix_tokens"] == TOOLS_TOKENS + extra, choice
        assert f"with the {extra}-token tool-use system prompt the API adds" in finding.message
    (forced,) = estimate_source(_forcing("claude-sonnet-4-5", '{"type": "any"}'), path="t.py", catalog=CAT)
    assert forced.input_tokens == TOOLS_TOKENS + 588


def test_a_forced_tool_choice_without_a_published_size_uses_the_auto_size():
    info = CAT.find("claude-3-haiku-20240307")
    assert (info.tool_prompt_tokens, info.tool_prompt_forced, info.tool_prompt(True)) == (264, None, 264)


# ---- Anthropic-defined tools: the request sends a stub, the API adds the tool's own definition

EDITOR_AGENT = textwrap.dedent('''\
    import anthropic
    client = anthropic.Anthropic()
    SYSTEM = "You edit the user's files carefully and explain each change in one sentence. " * 16

    def turn(model, history):
        return client.messages.create(model=model, max_tokens=4096, system=SYSTEM, messages=history,
                                      tools=[{"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"}])

    turn("claude-sonnet-4-5", [])
''')


def test_a_defined_tool_counts_its_own_definition_towards_the_prefix():
    stub = Block("tools", {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"}, True, False)
    system = Block("system", "Be brief.", True, False)
    sonnet = ToolOverhead(496, CAT.find("claude-sonnet-4-5"))
    assert prefix_tokens([stub, system], sonnet) == prefix_tokens([stub, system]) + 496 + 700
    assert prefix_tokens([system], sonnet) == prefix_tokens([system])  # no tools, nothing added
    # the stub alone plus the system prompt are far below Sonnet 4.5's 1,024; the 700-token definition is not
    (finding,) = lint_source(EDITOR_AGENT, select=["TB101"])
    assert finding.properties["prefix_tokens"] == prefix_tokens([stub, Block("system", _system(), True, False)]) + 1196
    assert ("with the 496-token tool-use system prompt and the text_editor_20250728 tool's 700-token definition "
            "the API adds") in finding.message


def test_the_bash_tool_definition_depends_on_the_model():
    # [PRICING] "Specific tool pricing": +325 on Opus 4.7 and later, +244 on Opus 4.6, Sonnet 4.6 and earlier
    assert CAT.find("claude-opus-4-7").defined_tool_tokens("bash_20250124") == 325
    assert CAT.find("claude-sonnet-4-6").defined_tool_tokens("bash_20250124") == 244
    assert CAT.find("claude-sonnet-4-6").defined_tool_tokens("text_editor_20250124") == 700
    assert CAT.find("claude-sonnet-5").defined_tool_tokens("computer_toolset_20260801") == 4590
    # a tool the request defines itself, and a server tool, add nothing of their own
    assert CAT.find("claude-sonnet-4-6").defined_tool_tokens("custom") == 0
    assert CAT.find("claude-sonnet-4-6").defined_tool_tokens("web_search_20250305") == 0


def test_the_estimate_names_the_defined_tool_it_counted():
    (site,) = estimate_source(EDITOR_AGENT.replace("model=model", 'model="claude-opus-4-7"'), path="t.py", catalog=CAT)
    assert any("the text_editor_20250728 tool's own definition the API adds for claude-opus-4-7 (700 tokens) "
               "is counted" in n for n in site.notes)


def _system() -> str:
    return "You edit the user's files carefully and explain each change in one sentence. " * 16



def test_a_defined_tool_of_unknown_size_makes_the_estimate_a_lower_bound():
    source = EDITOR_AGENT.replace("text_editor_20250728", "memory_20250818").replace("model=model", 'model="claude-sonnet-4-5"')
    (site,) = estimate_source(source, path="t.py", catalog=CAT)
    assert site.input_lower_bound
    assert "tools: the definition the API adds for memory_20250818 is not counted" in site.unknowns


def test_a_slice_of_a_known_tool_list_is_those_tools(tmp_path):
    # That1Drifter/edgar-pipeline: TOOLS_STRICT = TOOLS[:3] + [EXTRACT_STRICT], in another module
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\n')
    (tmp_path / "definitions.py").write_text(f"TOOLS = {TOOLS + [_tool(99)]!r}\nFIRST = TOOLS[:9]\n")
    (tmp_path / "agent.py").write_text(_agent("claude-sonnet-4-5").replace(f"TOOLS = {TOOLS!r}", "from definitions import FIRST")
                                       .replace("tools=TOOLS", "tools=FIRST[0:]"))
    from pytest_tokenbudget.lint.api import LintSettings, lint_paths

    (finding,) = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB101",), cache=False)).findings
    assert finding.properties["prefix_tokens"] == TOOLS_TOKENS + 496


def test_a_choice_between_two_tool_lists_counts_the_shared_tools_and_the_smaller_tail():
    strict = [*TOOLS[:8], {"name": "strict_tool", "input_schema": {"type": "object"}}]
    source = _agent("claude-sonnet-4-5").replace(f"TOOLS = {TOOLS!r}", f"TOOLS = {TOOLS!r}\nSTRICT = {strict!r}").replace(
        "def turn(history):", "def turn(history, strict=False):\n    tools = STRICT if strict else TOOLS").replace(
        "tools=TOOLS", "tools=tools")
    eight = estimate_tokens("\n".join(tool_json(t) for t in TOOLS[:8]))
    assert eight < 1024 * 1.05 <= eight + 496  # the shared tools alone are short; with the tool prompt they are not
    (finding,) = lint_source(source, select=["TB101"])
    assert finding.properties["prefix_tokens"] == estimate_tokens("\n".join(tool_json(t) for t in strict)) + 496
    assert "of the tool lists the code picks between, the smallest counts" in finding.message
    (site,) = estimate_source(source, path="t.py", catalog=CAT)  # the estimate's lower bound counts it too
    assert site.input_lower_bound and site.input_tokens >= finding.properties["prefix_tokens"]
