"""A prompt built by re-assigning its own name (``prompt = prompt.replace(...)``) is read step by step
(:mod:`pytest_tokenbudget.lint.analysis.rebinding`), so its instructions and its static prefix count."""

from __future__ import annotations

import textwrap

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths, lint_source

HEAD = textwrap.dedent('''\
    import json

    import anthropic

    client = anthropic.Anthropic()
    TEMPLATE = """Classify these posts about {topic}.

    Posts:
    {posts_json}

    Return a JSON object {"labels": [...]} with one label per post."""
''')


def _classify(body: str) -> str:
    steps = "".join(f"    {line}\n" for line in body.splitlines())
    return (HEAD + "\n\ndef classify(posts, topic):\n" + steps
            + '    r = client.messages.create(model="claude-sonnet-4-6", max_tokens=2000,\n'
            + '                               messages=[{"role": "user", "content": prompt}])\n'
            + "    return json.loads(r.content[0].text)\n")


def test_a_template_filled_in_two_reassignments_keeps_its_json_instruction():
    body = 'prompt = TEMPLATE.replace("{posts_json}", json.dumps(posts))\nprompt = prompt.replace("{topic}", topic)'
    (finding,) = lint_source(_classify(body), select=["TB501"])
    assert "asks for JSON" in finding.message


def test_a_name_reassigned_to_unrelated_texts_is_not_folded():
    body = 'prompt = json.dumps(posts)\nprompt = f"{topic}: {posts}"'  # neither asks for JSON
    assert lint_source(_classify(body), select=["TB501"]) == []


def test_a_static_system_prompt_with_a_date_filled_in_afterwards_counts_up_to_the_date():
    source = textwrap.dedent('''\
        import anthropic

        client = anthropic.Anthropic()
        RULES = "Follow the house style guide in every answer. " * 300


        def answer(question, today):
            system = RULES + "Today is {date}."
            system = system.replace("{date}", today)
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system=system,
                                          messages=[{"role": "user", "content": question}])
    ''')
    (finding,) = lint_source(source, select=["TB101"])
    assert finding.code == "TB101" and "static prompt (system)" in finding.message


def test_a_parameter_default_stripped_of_a_provider_prefix_keeps_its_model():
    # git-bob: the model setting may say "anthropic:claude-..."; the default itself is a retired id
    src = textwrap.dedent('''\
        import anthropic


        def prompt_anthropic(message, model="claude-3-5-sonnet-20241022"):
            model = model.replace("anthropic:", "")
            model = model.replace("claude:", "")
            return anthropic.Anthropic().messages.create(model=model, max_tokens=512,
                                                         messages=[{"role": "user", "content": message}])
    ''')
    (finding,) = lint_source(src, select=["TB302"])
    assert "claude-3-5-sonnet-20241022 was retired" in finding.message
    assert lint_source(src.replace("claude-3-5-sonnet-20241022", "claude-sonnet-5-5"), select=["TB302", "TB303"]) == []


# ------------------------------------------------ the project index's side (lint.folded_locals)
def _folded(source: str) -> dict[str, str]:
    import ast

    from pytest_tokenbudget.lint.folded_locals import folded_chains

    fn = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(fn, ast.FunctionDef)
    return {n: ast.unparse(v) for n, v in folded_chains(fn, {"prompt"}).items()}


def test_a_helper_growing_its_prompt_under_branches_folds_in_source_order():
    assert _folded('''
        def build(extra):
            prompt = BASE
            if NOTES:
                prompt = f"{prompt}\\n{NOTES}"
            prompt += "\\nTail"
            return prompt
    ''') == {"prompt": "f'{BASE}\\n{NOTES}' + '\\nTail'"}


def test_a_chain_broken_by_a_loop_target_or_an_unrelated_reassignment_is_not_folded():
    loop = '''
        def build(items):
            prompt = BASE
            for prompt in items:
                pass
            prompt = prompt + "x"
            return prompt
    '''
    restart = '''
        def build(items):
            prompt = BASE
            prompt = OTHER
            return prompt
    '''
    assert _folded(loop) == {} and _folded(restart) == {}


def _appending(body: str) -> str:
    steps = "".join(f"    {line}\n" for line in body.splitlines())
    return ("import anthropic\n\nclient = anthropic.Anthropic()\n\n\nclass Grader:\n"
            "    def __init__(self, path):\n        self.rubric = open(path).read()\n\n"
            "    def grade(self, essay, strict=False):\n" + "".join(f"    {line}" for line in steps.splitlines(True))
            + '        return client.messages.create(model="claude-sonnet-4-6", max_tokens=2000, system=system,\n'
            + '                                      messages=[{"role": "user", "content": essay}])\n')


def test_text_appended_with_plus_equals_at_the_top_of_the_function_is_read_after_an_unknown_start():
    """``system = self.rubric`` (read from a file at run time) then ``system += "...JSON..."``: only a
    string takes ``+= "..."``, so the request's system prompt ends with the JSON instruction."""
    body = 'system = self.rubric\nsystem += "\\n\\nYour response MUST be a valid JSON object with a score."'
    (finding,) = lint_source(_appending(body), select=["TB501"])
    assert "asks for JSON" in finding.message


def test_text_appended_under_an_undecided_branch_or_in_a_loop_stays_unknown():
    for body in ('system = self.rubric\nif strict:\n    system += "\\nReturn only a JSON object."',
                 'system = self.rubric\nfor _ in range(2):\n    system += "\\nReturn only a JSON object."'):
        assert lint_source(_appending(body), select=["TB501"]) == []


def test_a_static_text_extended_with_plus_equals_is_the_whole_text():
    source = textwrap.dedent('''\
        import anthropic

        client = anthropic.Anthropic()
        BASE = "You are an analyst of sales data."


        def ask(question):
            system = BASE
            system += " Return only a JSON object with the keys answer and confidence."
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system=system,
                                          messages=[{"role": "user", "content": question}])
    ''')
    (finding,) = lint_source(source, select=["TB501"])
    assert "asks for JSON" in finding.message


@pytest.mark.parametrize("guarded", [
    'if fmt == "json":\n        system += " Return only a JSON object with the keys answer and confidence."',
    'if fmt == "json": system += " Return only a JSON object with the keys answer and confidence."\n',
])
def test_text_appended_under_a_test_counts_for_the_caller_whose_values_take_that_branch(tmp_path, guarded):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "t"\n')
    (tmp_path / "ask.py").write_text(textwrap.dedent('''\
        import anthropic

        client = anthropic.Anthropic()
        BASE = "You are an analyst of sales data."


        def ask(question, fmt="text"):
            system = BASE
            GUARDED
            return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system=system,
                                          messages=[{"role": "user", "content": question}])


        def main():
            print(ask("How did March go?", fmt="json"))
    ''').replace("GUARDED", guarded))
    (finding,) = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB501",), cache=False)).findings
    caller = next(i for i, line in enumerate((tmp_path / "ask.py").read_text().splitlines(), 1) if "print(ask(" in line)
    assert "passed by caller" in finding.message and f"ask.py:{caller})" in finding.message
    # with only the default "text" passed, the JSON instruction is never sent
    (tmp_path / "ask.py").write_text((tmp_path / "ask.py").read_text().replace(', fmt="json"', ""))
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB501",), cache=False)).findings == []
