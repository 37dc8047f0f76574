"""TB401 through callers: where the finding says the loop is, notebooks, and which folders are searched."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from pytest_tokenbudget.lint.api import LintSettings, lint_paths
from pytest_tokenbudget.lint.formats import as_json
from pytest_tokenbudget.lint.loopbody import exits
from pytest_tokenbudget.lint.rules.registry import registry

FLOW = Path(__file__).parent / "cases" / "project_loops_flow"

HELPER = '''import anthropic

client = anthropic.Anthropic()


def label(item):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                  messages=[{"role": "user", "content": item}])
'''
RUNNER = '''from helpers import label


def run(items):
    for item in items:
        print(label(item))
'''


def _tb401(result) -> dict[int, object]:
    return {f.line: f for f in result.findings if f.code == "TB401"}


def test_the_message_and_json_related_name_the_loop_in_the_other_module():
    result = lint_paths([FLOW], LintSettings(root=FLOW, select=("TB401",), cache=False))
    f = _tb401(result)[17]  # generate(), looped over by app/pipeline.py:7 after two hand-offs
    assert "generate() is called per item by a for loop over dataset at " in f.message
    shown = f.message.split(" at ", 1)[1].split(";", 1)[0]
    assert shown.endswith(os.path.join("app", "pipeline.py") + ":7")
    [entry] = [e for e in json.loads(as_json(result, registry())) if e["line"] == 17]
    [related] = entry["related"]
    assert related["path"].endswith(os.path.join("app", "pipeline.py")) and related["line"] == 7
    assert related["message"] == "loop here" and "cell" not in related


def test_a_loop_in_a_later_notebook_cell_is_reported_at_its_line_within_the_cell(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'nb'\n")
    code = lambda src: {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],  # noqa: E731
                        "source": src.splitlines(keepends=True)}
    cells = [code(HELPER), {"cell_type": "markdown", "metadata": {}, "source": ["# Evaluate\n"]},
             code("items = " + repr([f"item {i}" for i in range(12)]) + "\n"),  # (more than a handful)
             code("results = []\nfor item in items:\n    results.append(label(item))\n")]
    nb = tmp_path / "eval.ipynb"
    nb.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    monkeypatch.chdir(tmp_path)
    result = lint_paths([nb], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    [f] = result.findings
    assert (f.cell, f.line) == (1, 7)
    assert "label() is called per item by a for loop over items at eval.ipynb:cell 3:2;" in f.message
    assert f.properties["related"] == [{"path": "eval.ipynb", "line": 2, "cell": 3, "message": "loop here"}]


def _scripts(folder: Path) -> Path:
    folder.mkdir()
    (folder / "helpers.py").write_text(HELPER)
    (folder / "runner.py").write_text(RUNNER)
    return folder


def test_a_folder_of_scripts_without_project_files_is_searched_when_it_is_the_folder_linted(tmp_path, monkeypatch):
    scripts = _scripts(tmp_path / "scripts")  # no pyproject.toml, setup.py, requirements.txt or .git
    monkeypatch.chdir(scripts)
    found = lint_paths([Path(".")], LintSettings(root=scripts, select=("TB401",), cache=False))
    assert [(Path(f.path).name, f.line) for f in found.findings] == [("helpers.py", 7)]
    assert "at runner.py:5" in found.findings[0].message


def test_a_folder_of_scripts_outside_the_working_directory_is_not_walked(tmp_path, monkeypatch):
    scripts = _scripts(tmp_path / "scripts")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = lint_paths([scripts / "helpers.py"], LintSettings(root=scripts, select=("TB401",), cache=False))
    assert result.findings == []
    (scripts / "requirements.txt").write_text("anthropic\n")  # a project marker: searched from anywhere
    marked = lint_paths([scripts / "helpers.py"], LintSettings(root=scripts, select=("TB401",), cache=False))
    assert [f.line for f in marked.findings] == [7]


def test_references_lists_every_place_a_function_is_named_across_modules():
    from pytest_tokenbudget.lint.callrefs import references
    from pytest_tokenbudget.lint.project import Project

    project = Project(FLOW)
    llm = str(FLOW / "app" / "llm.py")
    found = {(Path(p).name, node.lineno) for p, _, node in references(project, llm, "summarize")}
    assert found == {("jobs.py", 29), ("jobs.py", 30)}  # fn = llm.summarize; process_all(docs, fn)
    aliased = {(Path(p).name, node.lineno) for p, _, node in references(project, llm, "classify")}
    assert aliased == {("jobs.py", 21)}  # llm_classify(item), imported under an alias inside the function


def _project(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def _loops(tmp_path: Path, files: dict[str, str]):
    """The TB401 lint result of a project made of ``files`` (:func:`_project`)."""
    root = _project(tmp_path / "p", files)
    return lint_paths([root], LintSettings(root=root, select=("TB401",), cache=False))


def test_callers_importing_in_a_block_or_over_several_lines_are_found_and_others_are_not(tmp_path, monkeypatch):
    root = _project(tmp_path / "p", {
        "helpers.py": HELPER,
        # imported inside a function, over several lines with a comment: a caller
        "batch.py": "def run(items):\n    from helpers import (  # the labeller\n        label,\n    )\n"
                    "    for item in items:\n        print(label(item))\n",
        # the word "helpers" in its text and a label() in a loop, but its own label: not a caller
        "other.py": '"""Uses no helpers."""\n\n\ndef label(x):\n    return x\n\n\nfor row in [1, 2, 3]:\n'
                    "    label(row)\n",
    })
    monkeypatch.chdir(root)
    found = lint_paths([Path(".")], LintSettings(root=root, select=("TB401",), cache=False))
    assert [(Path(f.path).name, f.line) for f in found.findings] == [("helpers.py", 7)]
    assert "label() is called per item by a for loop over items at batch.py:5;" in found.findings[0].message


def test_every_call_site_of_a_looped_function_is_reported_with_the_same_loop(tmp_path, monkeypatch):
    two = HELPER + '''

def label_twice(item):
    first = client.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                   messages=[{"role": "user", "content": item}])
    return first, client.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                         messages=[{"role": "user", "content": item + "!"}])
'''
    runner = "from helpers import label_twice\n\n\ndef run(items):\n    for item in items:\n" \
             "        print(label_twice(item))\n"
    root = _project(tmp_path / "p", {"helpers.py": two, "runner.py": runner})
    monkeypatch.chdir(root)
    found = lint_paths([Path(".")], LintSettings(root=root, select=("TB401",), cache=False))
    assert [(Path(f.path).name, f.line) for f in found.findings] == [("helpers.py", 12), ("helpers.py", 14)]
    assert all("label_twice() is called per item by a for loop over items at runner.py:5;" in f.message
               for f in found.findings)


HARNESS = Path(__file__).parent / "cases" / "project_eval_harness"


def test_an_instance_called_per_item_is_named_as_an_instance_and_the_map_is_where_the_loop_is():
    result = lint_paths([HARNESS], LintSettings(root=HARNESS, select=("TB401",), cache=False))
    [f] = [f for f in result.findings if f.path.endswith("claude.py")]
    assert "a ClaudeSampler instance is called per item by a map over xs at " in f.message
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith(os.path.join("simple", "common.py") + ":7")


def test_a_function_defined_inside_another_is_followed_to_the_loop_over_its_outer_function():
    result = lint_paths([HARNESS], LintSettings(root=HARNESS, select=("TB401",), cache=False))
    [f] = [f for f in result.findings if f.path.endswith("harness_lm.py")]
    assert f.line == 15
    assert "claude_chat.messages() is called per item by a for loop over requests at " in f.message
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith("harness_lm.py:40")


def test_an_instance_kept_in_a_typed_attribute_is_followed_through_its_call(tmp_path: Path):
    (tmp_path / "llm.py").write_text('''import anthropic


class Labeler:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def __call__(self, text: str) -> str:
        reply = self.client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                                            messages=[{"role": "user", "content": text}])
        return reply.content[0].text
''')
    (tmp_path / "relabel.py").write_text('''from concurrent.futures import ThreadPoolExecutor

from llm import Labeler


class Relabeler:
    def __init__(self, llm: Labeler) -> None:
        self.llm = llm

    def one(self, row: str) -> str:
        return self.llm(row)

    def run(self, rows: list[str]) -> list[str]:
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(self.one, rows))
''')
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    [f] = result.findings
    assert f.path.endswith("llm.py") and f.line == 9
    assert "a Labeler instance is called per item by a map over rows at " in f.message


def test_a_module_named_like_a_test_but_holding_no_test_is_searched_for_loops(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER)
    (tmp_path / "test_runner.py").write_text('''from helpers import label


class TestRunner:  # the application's prompt runner, imported by app.py: no test in it
    def run(self, items):
        for item in items:
            print(label(item))
''')
    (tmp_path / "app.py").write_text("from test_runner import TestRunner\n\n"
                                     "TestRunner().run(open('rows.txt').read().splitlines())\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    [f] = result.findings
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith("test_runner.py:6")


def test_a_test_module_that_loops_over_a_helper_is_still_left_out(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER)
    (tmp_path / "test_labels.py").write_text('''from helpers import label


def test_every_label():
    for item in ["a", "b", "c", "d", "e", "f"]:
        assert label(item)
''')
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    assert result.findings == []


def test_a_loop_whose_items_carry_earlier_replies_into_the_next_request_is_a_conversation(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER)
    (tmp_path / "exam.py").write_text('''from helpers import label


def prepare(question, history):
    return "\\n".join([*(h["text"] + h["answer"] for h in history), question["text"]])


def sit_exam(questions):
    history = []
    for question in questions:
        payload = prepare(question, history)
        question["answer"] = label(payload)
        history.append(question)  # the next question is asked after this one's answer


def grade_each(questions):
    for question in questions:
        payload = prepare(question, [])
        question["answer"] = label(payload)
''')
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    [f] = result.findings
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith("exam.py:17")


def test_a_reply_unpacked_with_its_usage_and_summarised_into_the_next_input_is_a_chain(tmp_path: Path):
    """Zell0ss/claude-redditor writes a podcast block by block: ``data, usage = ask(...)`` and each
    block's input carries the summaries of the blocks before it: dependent requests, not a batch."""
    (tmp_path / "helpers.py").write_text(HELPER.replace("    return client.messages.create(",
                                                        "    reply = client.messages.create(")
                                         + "    return reply.content[0].text, reply.usage\n")
    (tmp_path / "script.py").write_text('''import json

from helpers import label


def write_blocks(topics):
    summaries = []
    for topic in topics:
        data, usage = label(json.dumps({"topic": topic, "previous": summaries.copy()}))
        summaries.append(f"{topic}: {data}")


def write_each(topics):
    blocks = []
    for topic in topics:
        data, usage = label(json.dumps({"topic": topic}))
        blocks.append(data)
    return blocks
''')
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    [f] = result.findings
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith("script.py:15")


def test_a_loop_over_one_replys_blocks_is_not_a_loop_over_items(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER)
    (tmp_path / "agent.py").write_text('''import anthropic

from helpers import label

client = anthropic.Anthropic()


def run_tools(question, tools):
    response = client.messages.create(model="claude-sonnet-4-6", max_tokens=512, tools=tools,
                                      messages=[{"role": "user", "content": question}])
    for block in response.content:  # each tool call of this reply, answered in turn
        if block.type == "tool_use":
            label(str(block.input))
''')
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings == []
    (tmp_path / "agent.py").write_text((tmp_path / "agent.py").read_text().replace("response.content", "question.parts"))
    [f] = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings
    assert "for loop over question.parts at" in f.message


def test_a_local_helper_fanned_out_by_a_scripts_coroutine_is_batch_work(tmp_path: Path):
    """antikas/investment-data-patterns-code: ``async def process_one`` inside ``run_parallel``,
    launched per report by ``create_task``; ``run_parallel`` is what ``asyncio.run`` runs from
    ``main``: a batch job's items (a local helper gathered inside a request's coroutine is not)."""
    (tmp_path / "helpers.py").write_text(HELPER.replace("def label(item):", "async def label(item):").replace(
        "anthropic.Anthropic()", "anthropic.AsyncAnthropic()").replace("return client", "return await client"))
    job = '''import asyncio

from helpers import label


async def run_parallel(reports):
    semaphore = asyncio.Semaphore(5)

    async def process_one(report):
        async with semaphore:
            return await label(report["text"])

    tasks = [asyncio.create_task(process_one(report)) for report in reports]
    return await asyncio.gather(*tasks)
'''
    (tmp_path / "job.py").write_text(job)
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings == []
    (tmp_path / "job.py").write_text(job + '''

def main():
    asyncio.run(run_parallel([{"text": "q1 report"}, {"text": "q2 report"}] * 50))
''')
    [f] = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings
    assert "comprehension over reports at" in f.message and f.message.split(" at ", 1)[1].startswith(str(tmp_path))


def test_a_request_made_only_in_an_except_handler_is_a_fallback_not_batch_work(tmp_path: Path):
    """SIslamMun/Generator: a chunk pipeline calls the Claude Agent SDK, and the paid API only when that
    fails (``except Exception: return self._api_fallback(prompt)``): not a per-item request to batch."""
    (tmp_path / "helpers.py").write_text(HELPER)
    pipeline = '''from helpers import label


def run_agent(chunk):
    raise RuntimeError("the local agent is not installed")


def answer(chunk):
    try:
        return run_agent(chunk)
    except Exception:
        return label(chunk)


def run(chunks):
    return [answer(c) for c in chunks]
'''
    (tmp_path / "pipeline.py").write_text(pipeline)
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings == []
    (tmp_path / "pipeline.py").write_text(pipeline.replace("        return run_agent(chunk)\n", "        return label(chunk)\n"))
    [f] = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings
    assert "comprehension over chunks at" in f.message


def test_a_loop_in_a_streamlit_app_is_live_work(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER)
    app = '''import streamlit as st

from helpers import label


def label_all(texts):
    return [label(t) for t in texts]


if st.button("Label"):  # the user waits on the page for every answer
    st.write(label_all(st.session_state["texts"]))
'''
    (tmp_path / "app.py").write_text(app)
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings == []
    (tmp_path / "app.py").write_text(app.replace("import streamlit as st\n", "import offline_ui as st\n"))
    assert len(lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings) == 1


def test_a_function_in_a_dispatch_table_is_followed_to_the_loops_over_the_table(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER + '''

def describe(client, item):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                  messages=[{"role": "user", "content": item}])


def greet(item):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                  messages=[{"role": "user", "content": item}])
''')
    (tmp_path / "bench.py").write_text('''from helpers import client, describe, greet, label

models = {"claude": label, "claude-described": lambda item: describe(client, item)}
for name, classify in models.items():
    for row in open("rows.txt"):  # every row of the benchmark, for every entry of the table
        print(name, classify(row))

greeters = {"claude": greet}
for name, fn in greeters.items():  # one call per entry of the table: a sweep, not a batch
    print(fn("hello"))
''')
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    assert sorted(f.line for f in result.findings) == [7, 12]  # label() and describe(), not greet()
    assert all(f.message.split(" at ", 1)[1].split(";", 1)[0].endswith("bench.py:5") for f in result.findings)


def test_a_script_passing_a_handful_of_hand_picked_items_is_not_batch_work(tmp_path: Path):
    (tmp_path / "helpers.py").write_text(HELPER)
    script = '''from helpers import label


def label_all(texts):
    for text in texts:
        print(label(text))


def main(path):
    label_all(open(path).read().splitlines())  # a program's own data: batch work


{top}
'''
    (tmp_path / "demo.py").write_text(script.format(top='TWEETS = ["so good", "meh", "awful"]\nlabel_all(TWEETS)'))
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    assert len(result.findings) == 1  # main's caller still counts
    (tmp_path / "demo.py").write_text(script.replace("    label_all(open(path).read().splitlines())  # a program's own data: batch work\n", "    pass\n").format(
        top='TWEETS = ["so good", "meh", "awful"]\nlabel_all(TWEETS)'))
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings == []
    (tmp_path / "demo.py").write_text(script.replace("    label_all(open(path).read().splitlines())  # a program's own data: batch work\n", "    pass\n").format(
        top='TWEETS = [str(i) for i in range(500)]\nlabel_all(TWEETS)'))
    assert len(lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings) == 1


AGENT_CLIENT = '''import anthropic


class HarnessClient:
    def __init__(self):
        self._client = anthropic.Anthropic()

    def create_message(self, *, messages, tools):
        return self._client.messages.create(model="claude-sonnet-4-6", max_tokens=4096, messages=messages,
                                            tools=tools)
'''
AGENT_RUNNER = '''from client import HarnessClient


def run_case(case, client: HarnessClient, tools):
    messages = [{"role": "user", "content": case["prompt"]}]
    for _turn in range(6):
        msg = client.create_message(messages=messages, tools=tools)
        messages.append({"role": "assistant", "content": msg.content})
        if msg.stop_reason != "tool_use":
            return msg
'''
AGENT_CLI = '''from client import HarnessClient
from runner import run_case


def main(cases, tools):
    client = HarnessClient()
    return [run_case(case, client, tools) for case in cases]
'''


def test_a_loop_over_whole_conversations_is_not_a_batch(tmp_path: Path):
    # each case is a tool-use conversation: every turn waits on the last, so the cases cannot
    # wait for a Message Batch however independent they are of each other
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'harness'\n")
    (tmp_path / "client.py").write_text(AGENT_CLIENT)
    (tmp_path / "runner.py").write_text(AGENT_RUNNER)
    (tmp_path / "cli.py").write_text(AGENT_CLI)
    assert lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings == []
    # one request per case, no conversation: the loop over the cases is batch work
    (tmp_path / "runner.py").write_text("from client import HarnessClient\n\n\n"
                                        "def run_case(case, client: HarnessClient, tools):\n"
                                        "    return client.create_message(messages=[case], tools=tools)\n")
    (finding,) = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings
    assert finding.path.endswith("client.py") and "comprehension over cases" in finding.message


def test_a_local_request_handed_to_a_retry_helper_is_called_once_per_call_of_its_function(tmp_path: Path):
    # def classify(x): def _make_request(): ...create...; return retry_with_backoff(_make_request)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'tweets'\n")
    (tmp_path / "util.py").write_text("import time\n\n\ndef retry_with_backoff(fn, retries=3):\n"
                                      "    for attempt in range(retries):\n        try:\n            return fn()\n"
                                      "        except Exception:\n            time.sleep(2 ** attempt)\n")
    (tmp_path / "classifier.py").write_text(
        "import anthropic\nfrom util import retry_with_backoff\n\nclient = anthropic.Anthropic()\n\n\n"
        "def classify(text):\n    def _make_request():\n"
        "        return client.messages.create(model='claude-haiku-4-5', max_tokens=100,\n"
        "                                      messages=[{'role': 'user', 'content': text}])\n"
        "    return retry_with_backoff(_make_request)\n")
    (tmp_path / "run.py").write_text("import json\nfrom classifier import classify\n\n\ndef main(path):\n"
                                     "    for tweet in json.load(open(path)):\n        print(classify(tweet['text']))\n")
    (finding,) = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings
    assert finding.path.endswith("classifier.py") and "run.py:6" in finding.message


def test_a_majority_vote_inside_a_per_case_loop_three_callers_up_names_the_per_case_loop():
    loops = Path(__file__).parent / "cases" / "project_loops"
    result = lint_paths([loops / "app" / "runs.py"], LintSettings(root=loops, select=("TB401",), cache=False))
    found = {f.line: f for f in result.findings}  # not the timed ping() runs nor the search in first_match()
    assert sorted(found) == [12, 41]  # judge(), and extract_tasks() whose loop only gives up on an empty reply
    f = found[12]
    assert "judge() is called per item by a for loop over json.load(open(path)) at " in f.message
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith(os.path.join("app", "runs.py") + ":30")


def test_a_helper_timing_its_own_request_is_not_batched_where_the_caller_keeps_each_latency():
    loops = Path(__file__).parent / "cases" / "project_loops"
    result = lint_paths([loops / "app" / "timed.py"], LintSettings(root=loops, select=("TB401",), cache=False))
    (finding,) = result.findings  # describe() returns (text, seconds): benchmark() keeps the seconds per image
    assert finding.message.split(" at ", 1)[1].split(";", 1)[0].endswith(os.path.join("app", "timed.py") + ":28")
    assert "(and 1 more)" not in finding.message  # captions() drops them: its loop alone is named


@pytest.mark.parametrize(("guard", "search"), [
    ("if not tasks:\n        print('nothing extracted')\n        return", False),
    ("if tasks is None:\n        break", False),
    ("if len(tasks) == 0:\n        return None", False),
    ("if tasks:\n        return tasks", True),  # stops at the first page with tasks: a search
    ("if not tasks:\n        return page", True),  # returns the page it found: a search for it
    ("if not tasks:\n        found = page\n        break", True),
])
def test_a_loop_that_gives_up_on_an_empty_reply_is_not_a_search(guard: str, search: bool):
    loop = ast.parse(f"for page in pages:\n    tasks = extract(page)\n    {guard}\n").body[0]
    assert isinstance(loop, ast.For)
    assert exits(loop) is search


@pytest.mark.parametrize(("guard", "search"), [
    ("if stop_flag and stop_flag.is_set():\n        log.info('stopping')\n        return", False),  # PGL-Clean
    ("if stop_flag.is_set():\n        return results", False),  # what it collected so far
    ("if deadline_passed():\n        return reply", True),  # hands back a pass's reply: not a plain stop
])
def test_a_stop_signal_that_returns_nothing_a_pass_made_is_not_a_search(guard: str, search: bool):
    loop = ast.parse(f"for page in pages:\n    {guard}\n    reply = extract(page)\n    results.append(reply)\n").body[0]
    assert isinstance(loop, ast.For)
    assert exits(loop) is search


LABELLER = '''import anthropic

client = anthropic.Anthropic()


def label(page):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=50,
                                  messages=[{"role": "user", "content": page}])
'''
COLLECTED = '''import os

from labeller import label

PASSES = 2


def label_folder(folder):
    tasks = []
    for name in os.listdir(folder):  # filled from the folder: as many as it holds
        tasks.append(open(os.path.join(folder, name)).read())
    return [label(t) for t in tasks]


def try_twice(page):
    tries = []
    for _ in range(PASSES):  # two items at most: a handful
        tries.append(page)
    return [label(t) for t in tries]
'''


def test_a_list_started_empty_counts_the_appends_that_fill_it(tmp_path: Path):
    (tmp_path / "labeller.py").write_text(LABELLER)
    (tmp_path / "collect.py").write_text(COLLECTED)
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    [f] = result.findings
    assert f.path.endswith("labeller.py") and "comprehension over tasks at " in f.message
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith("collect.py:12")


def _probes(n: int) -> str:
    items = ",\n".join(f'    {{"question": "Probe {i}: what does section {i} say?", "expect": "s{i}"}}' for i in range(n))
    return f'''from helpers import label

PROBES = [
{items},
]


def main():
    for probe in PROBES:
        print(label(probe["question"]))


if __name__ == "__main__":
    main()
'''


def test_ten_hand_written_cases_are_a_handful_and_eleven_are_not(tmp_path: Path):
    # a list written out in the code is small by nature: batching ten requests saves little
    (tmp_path / "helpers.py").write_text(HELPER)
    settings = LintSettings(root=tmp_path, select=("TB401",), cache=False)
    (tmp_path / "grade_probes.py").write_text(_probes(10))
    assert lint_paths([tmp_path], settings).findings == []
    (tmp_path / "grade_probes.py").write_text(_probes(11))
    [f] = lint_paths([tmp_path], settings).findings
    assert "for loop over PROBES at " in f.message
    # constants inline: eight topics written out; the same for a script's own list handed to a function
    (tmp_path / "grade_probes.py").write_text(
        "from helpers import label\n\nfor topic in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']:\n    print(label(topic))\n")
    assert lint_paths([tmp_path], settings).findings == []
    (tmp_path / "grade_probes.py").write_text(
        "from helpers import label\n\n\ndef label_all(topics):\n    for t in topics:\n        print(label(t))\n\n\n"
        "label_all(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])\n")
    assert lint_paths([tmp_path], settings).findings == []
    # robo_bordero: three (kind, names) pairs written inline, each sending one request for a whole list
    (tmp_path / "grade_probes.py").write_text(
        "from helpers import label\n\n\ndef refresh(teams, stadiums, cups):\n"
        "    for kind, names in [('team', teams), ('stadium', stadiums), ('cup', cups)]:\n"
        "        print(label(f'{kind}: {names}'))\n")
    assert lint_paths([tmp_path], settings).findings == []
    (tmp_path / "grade_probes.py").write_text(  # unpacked: as many as the data holds
        "from helpers import label\n\n\ndef refresh(teams, stadiums):\n"
        "    for name in [*teams, *stadiums]:\n        print(label(name))\n")
    assert len(lint_paths([tmp_path], settings).findings) == 1


BACKENDS = '''import anthropic


class Backend:
    def generate(self, prompt):
        raise NotImplementedError


class ClaudeBackend(Backend):
    def __init__(self, model):
        self.client = anthropic.Anthropic()
        self.model = model

    def generate(self, prompt):
        return self.client.messages.create(model=self.model, max_tokens=100,
                                           messages=[{"role": "user", "content": prompt}])


class EchoBackend(Backend):
    def generate(self, prompt):
        return prompt


def get_backend(name):
    if name.startswith("claude"):
        return ClaudeBackend(name)
    return EchoBackend()


def run(model, questions):
    backend = {made}
    for q in questions:
        print(backend.generate(q))
'''


def test_an_instance_a_factory_of_the_same_module_returns_is_followed_to_its_loop(tmp_path: Path):
    # a benchmark runner picks its backend by name, then asks it once per question
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
    settings = LintSettings(root=tmp_path, select=("TB401",), cache=False)
    (tmp_path / "runner.py").write_text(BACKENDS.replace("{made}", "get_backend(model)"))
    [f] = lint_paths([tmp_path], settings).findings
    assert f.line == 15 and "ClaudeBackend.generate() is called per item by a for loop over questions" in f.message
    (tmp_path / "runner.py").write_text(BACKENDS.replace("{made}", "EchoBackend()"))  # never the Claude class
    assert lint_paths([tmp_path], settings).findings == []


def test_a_function_bound_into_a_mapped_partial_by_keyword_runs_per_item(tmp_path: Path):
    # pool.map(partial(process_record, evaluate_fn=judge), records): each record's run calls the judge
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'judge'\n")
    (tmp_path / "helpers.py").write_text(HELPER)
    (tmp_path / "judge.py").write_text('''from concurrent.futures import ThreadPoolExecutor
from functools import partial

from helpers import label


def process_record(record, evaluate_fn):
    return {"id": record["id"], "grade": evaluate_fn(record["text"])}


def describe(record, evaluate_fn):
    return evaluate_fn  # handed on, never run: no request per record


def main(records):
    with ThreadPoolExecutor(8) as pool:
        graded = list(pool.map(partial(process_record, evaluate_fn=label), records))
        names = list(pool.map(partial(describe, evaluate_fn=label), records))
    return graded, names
''')
    [f] = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False)).findings
    assert "label() is called per item by a map over records at " in f.message
    assert f.message.split(" at ", 1)[1].split(";", 1)[0].endswith("judge.py:17")


def test_a_function_picked_by_a_conditional_expression_and_submitted_per_item_is_looped(tmp_path, monkeypatch):
    # brockwebb/federal-survey-concept-mapper: api_call = call_openai if model == 'openai' else call_claude
    root = _project(tmp_path / "p", {
        "helpers.py": HELPER,
        "batch.py": "from concurrent.futures import ThreadPoolExecutor\n\nfrom helpers import label\n\n\n"
                    "def other(item):\n    return item\n\n\ndef run(items, provider):\n"
                    "    fn = other if provider == 'other' else label\n"
                    "    with ThreadPoolExecutor() as pool:\n"
                    "        return [pool.submit(fn, item) for item in items]\n",
    })
    monkeypatch.chdir(root)
    found = lint_paths([Path(".")], LintSettings(root=root, select=("TB401",), cache=False))
    assert [(Path(f.path).name, f.line) for f in found.findings] == [("helpers.py", 7)]
    assert "label() is called per item by a comprehension over items at batch.py:13;" in found.findings[0].message


ASYNC_HELPER = '''import anthropic

client = anthropic.AsyncAnthropic()


async def label(item):
    return await client.messages.create(model="claude-sonnet-4-6", max_tokens=64,
                                        messages=[{"role": "user", "content": item}])
'''
STAGES = '''import asyncio

from helpers import label


async def label_all(items):
    out = []
    for item in items:
        out.append(await label(item))
    return out
'''


def test_an_async_stage_awaited_only_by_a_scripts_coroutine_is_batch_work(tmp_path, monkeypatch):
    # henrique-lego/salience: asyncio.run(_run_pipeline(...)) awaits classify_bookmarks() in another module
    root = _project(tmp_path / "p", {
        "helpers.py": ASYNC_HELPER, "stages.py": STAGES,
        "cli.py": "import asyncio\nimport sys\n\nfrom stages import label_all\n\n\nasync def pipeline(path):\n"
                  "    return await label_all(open(path).read().splitlines())\n\n\n"
                  "if __name__ == '__main__':\n    asyncio.run(pipeline(sys.argv[1]))\n",
    })
    monkeypatch.chdir(root)
    found = lint_paths([Path(".")], LintSettings(root=root, select=("TB401",), cache=False))
    assert [(Path(f.path).name, f.line) for f in found.findings] == [("helpers.py", 7)]
    assert "label() is called per item by a for loop over items at stages.py:8;" in found.findings[0].message
    (root / "api.py").write_text("from fastapi import FastAPI\n\nfrom stages import label_all\n\napp = FastAPI()\n\n\n"
                                 "@app.post('/label')\nasync def route(items: list[str]):\n"
                                 "    return await label_all(items)\n")
    served = lint_paths([Path(".")], LintSettings(root=root, select=("TB401",), cache=False))
    assert served.findings == []  # the same stage serves a web route too: someone awaits each answer


def test_a_gather_over_a_local_helper_in_a_stage_of_a_scripts_coroutine_is_batch_work(tmp_path, monkeypatch):
    # henrique-lego/salience: evaluate_all() gathers a semaphore-limited local helper, awaited by the script's coroutine
    stage = ("import asyncio\n\nfrom helpers import label\n\n\nasync def label_all(items):\n"
             "    sem = asyncio.Semaphore(4)\n\n    async def one(item):\n        async with sem:\n"
             "            return await label(item)\n\n    return await asyncio.gather(*[one(i) for i in items])\n")
    root = _project(tmp_path / "p", {
        "helpers.py": ASYNC_HELPER, "stages.py": stage,
        "cli.py": "import asyncio\n\nfrom stages import label_all\n\n\nasync def pipeline(rows):\n"
                  "    return await label_all(rows)\n\n\ndef main():\n    asyncio.run(pipeline(['a', 'b']))\n",
    })
    monkeypatch.chdir(root)
    found = lint_paths([Path(".")], LintSettings(root=root, select=("TB401",), cache=False))
    assert [(Path(f.path).name, f.line) for f in found.findings] == [("helpers.py", 7)]
    assert "called per item by a comprehension over items at stages.py:13;" in found.findings[0].message


def test_a_loop_whose_per_item_step_asks_a_person_is_not_named_as_a_batch():
    loops = Path(__file__).parent / "cases" / "project_loops"
    result = lint_paths([loops / "app" / "approve.py"], LintSettings(root=loops, select=("TB401",), cache=False))
    (finding,) = result.findings  # review_gap() asks "Apply? [y/N]" after each draft: review_all() is interactive
    assert finding.message.split(" at ", 1)[1].split(";", 1)[0].endswith(os.path.join("app", "approve.py") + ":30")
    assert "(and 1 more)" not in finding.message


def test_a_loop_over_what_a_reexported_factory_hands_out_is_found_when_only_the_callee_is_linted():
    loops = Path(__file__).parent / "cases" / "project_loops"
    result = lint_paths([loops / "app" / "routed" / "router.py"],
                        LintSettings(root=loops, select=("TB401",), cache=False))
    (finding,) = result.findings  # catalog.py was never parsed before its import lines were asked
    assert finding.message.split(" at ", 1)[1].split(";", 1)[0].endswith(os.path.join("app", "catalog.py") + ":7")


def test_a_file_first_read_for_its_import_lines_still_names_the_factory_it_imports():
    from pytest_tokenbudget.lint.callrefs import refs_in
    from pytest_tokenbudget.lint.project import Project

    loops = Path(__file__).parent / "cases" / "project_loops"
    project = Project(loops, named=True)  # fresh: catalog.py is judged by its import lines before any parse
    app = str((loops / "app").resolve())
    _, refs = refs_in(project, os.path.join(app, "catalog.py"), os.path.join(app, "routed", "router.py"),
                      "Router.ask", None)
    assert refs is not None and "router" in refs.receivers  # router = get_router(): a Router


def test_a_loop_calling_a_router_with_a_constant_task_reaches_only_that_branch():
    loops = Path(__file__).parent / "cases" / "project_loops"
    result = lint_paths([loops / "app" / "task_router.py"], LintSettings(root=loops, select=("TB401",), cache=False))
    (finding,) = result.findings  # the vision request; the chat one sits behind `if task == "vision": return`
    assert "Provider.vision() is called per item" in finding.message


def test_a_loop_leaving_a_flag_at_its_false_default_never_reaches_the_request():
    loops = Path(__file__).parent / "cases" / "project_loops"
    result = lint_paths([loops / "app" / "flagged.py"], LintSettings(root=loops, select=("TB401",), cache=False))
    (finding,) = result.findings
    # only the export loop passes use_llm=True: the catalogue's default and the review's False never ask
    assert "comprehension over rows at " in finding.message and "flagged.py:26;" in finding.message
    assert "more)" not in finding.message


@pytest.mark.parametrize(("helper", "whole"), [
    ("def _wrap(self, resp):\n        return resp.content[0].text", True),
    ("def _wrap(self, resp):\n        return [e for e in resp]", False),  # iterated: may be a stream's events
])
def test_a_reply_handed_to_a_helper_of_its_class_is_read_whole_only_when_the_helper_reads_it_so(helper, whole):
    from pytest_tokenbudget.lint.message_reads import reads_message

    tree = ast.parse(f"class P:\n    def ask(self, **kw):\n        resp = self.c.messages.create(**kw)\n"
                     f"        return self._wrap(resp)\n\n    {helper}\n")
    ask = tree.body[0].body[0]
    assert reads_message(ask, 3, tree) is whole
    assert reads_message(ask, 3) is False  # without the module, the helper cannot be seen


def test_a_request_in_a_def_nested_after_a_with_block_is_searched_without_an_internal_error(tmp_path):
    """The nested def is looked up through its function's blocks: a ``with`` has no ``else``."""
    (tmp_path / "app.py").write_text('''import anthropic


def create_app(app):
    with open("settings.txt") as f:
        settings = f.read()

    @app.route("/test")
    def test_key():
        client = anthropic.Anthropic()
        return client.messages.create(model="claude-haiku-4-5", max_tokens=20,
                                      messages=[{"role": "user", "content": settings}])

    return app
''')
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False))
    assert [f.message for f in result.findings if "internal error" in f.message] == []
    assert [f.code for f in result.findings if f.code == "TB401"] == []  # one request per route call: no loop


CHECKER = '''import anthropic

PROMPT = "Hi"


def ping(model_id{param}):
    return anthropic.Anthropic().messages.create(model=model_id, max_tokens=10,
                                                 messages=[{{"role": "user", "content": PROMPT{added}}}])
'''
CHECKS = '''import yaml

from checker import ping


def check_all(paths):
    for path in paths:  # one definition file per model
        data = yaml.safe_load(open(path))
        print(ping(data["api_identifier"]{note}))
'''


@pytest.mark.parametrize("param, added, note, flagged", [
    ("", "", "", False),  # the same "Hi" to every configured model: a health check
    (', note=""', " + note", ', note=data["question"]', True),  # the default is not what the loop sends
])
def test_a_callers_loop_that_only_changes_the_model_of_a_fixed_prompt_is_a_sweep(tmp_path, param, added, note,
                                                                                   flagged):
    (tmp_path / "checker.py").write_text(CHECKER.format(param=param, added=added))
    (tmp_path / "checks.py").write_text(CHECKS.format(note=note))
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, select=("TB401",), cache=False))
    assert bool(_tb401(result)) is flagged


AGENT = '''import anthropic


class Agent:
    def run(self, task):
        return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300,
                                                     messages=[{"role": "user", "content": task}])
'''


@pytest.mark.parametrize(("subclass", "found"), [
    ("class Reviewer(Agent):\n    pass\n", True),  # inherits run: each review is the base's request
    ("class Reviewer(Agent):\n    def run(self, task):\n        return task.upper()\n", False),  # its own run
])
def test_a_loop_over_a_subclass_instance_runs_the_inherited_method(tmp_path, subclass, found):
    """The runner names only the subclass and its module, never ``Agent`` or ``agent.py``."""
    result = _loops(tmp_path, {
        "agent.py": AGENT,
        "reviewer.py": "from agent import Agent\n\n\n" + subclass,
        "runner.py": "from reviewer import Reviewer\n\n\ndef review_all(drafts):\n    r = Reviewer()\n"
                     "    for d in drafts:\n        print(r.run(d))\n",
    })
    assert [(os.path.basename(f.path), f.line, "runner.py:6;" in f.message) for f in result.findings] == (
        [("agent.py", 6, True)] if found else [])


RETRIED = '''import anthropic


def retry(fn):
    return fn()


def ask(text):
    def _call():
        return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300,
                                                     messages=[{"role": "user", "content": text}])
    return retry(_call)
'''


def test_a_local_def_run_in_place_is_not_a_level_of_callers(tmp_path):
    """wesleybhansen/coaching-system: the loop is four functions above ``ask``, whose request sits in
    a local ``_call`` handed to a retry helper: ``_call`` is part of ``ask``, not a caller level."""
    result = _loops(tmp_path, {
        "client.py": RETRIED,
        "steps.py": "from client import ask\n\n\ndef draft(e):\n    return ask(e)\n\n\n"
                    "def evaluate(e):\n    return draft(e)\n\n\ndef process(e):\n    return evaluate(e)\n",
        "job.py": "from steps import process\n\n\ndef run(emails):\n    for e in emails:\n"
                  "        process(e)\n",
    })
    assert [(os.path.basename(f.path), "job.py:5;" in f.message) for f in result.findings] == [("client.py", True)]


@pytest.mark.parametrize(("runner", "found"), [
    ("", False),  # only the dashboard page runs the job: the user waits at the page
    ("JOBS = {'nightly': 'jobs.nightly'}\n\nif __name__ == '__main__':\n"
     "    __import__(JOBS['nightly'], fromlist=['run']).run()\n", True),  # a runner imports it by name: offline
])
def test_a_job_a_runner_imports_by_name_is_not_ui_code_alone(tmp_path, runner, found):
    files = {
        "client.py": HELPER,
        "jobs/__init__.py": "",
        "jobs/nightly.py": "from client import label\n\n\ndef run(items):\n"
                           "    for item in items:\n        label(item)\n",
        "page.py": "import streamlit as st\nfrom jobs import nightly\n\n"
                   "if st.button('Run now'):\n    nightly.run(st.session_state.items)\n",
    }
    result = _loops(tmp_path, {**files, **({"run_job.py": runner} if runner else {})})
    assert [os.path.basename(f.path) for f in result.findings] == (["client.py"] if found else [])


def test_a_reply_stored_in_the_loop_variable_does_not_make_the_loop_a_conversation(tmp_path):
    """SimonMakdesi/Investing-agent: ``for item in new_items: item = classify(item)`` over a handful of
    new stories per ticker, run per ticker further up. The reply replaces the loop's own variable,
    which the loop binds to the next story: the stories are independent, so the search climbs on."""
    result = _loops(tmp_path, {
        "client.py": HELPER,
        "news.py": "from client import label\n\n\ndef label_news(stories):\n"
                   "    for story in stories[:5]:\n        story = label(story)\n"
                   "        print(story)\n",
        "job.py": "from news import label_news\n\n\ndef main(path):\n    for line in open(path):\n"
                  "        label_news(line.split('|'))\n",
    })
    assert [(os.path.basename(f.path), "job.py:5;" in f.message) for f in result.findings] == [("client.py", True)]


@pytest.mark.parametrize(("job", "found"), [
    # each finding is first made from its own detection; the reply then replaces it: independent
    ("def run(detections):\n    for d in detections:\n        finding = {'text': d}\n"
     "        finding = label(finding['text'])\n        print(finding)\n", True),
    # flock-crime-tracker: a story is kept only when the reply finds no duplicate, and the next
    # request compares against the stories kept so far
    ("def run(rows, stories):\n    for row in rows:\n        dup = label(f'{stories} {row}')\n        if dup:\n"
     "            continue\n        stories.append(row)\n", False),
    # review-analysis-workflow: a topic joins the list the next validation reads only when approved
    ("def run(items, topics):\n    for item in items:\n        if item['is_new']:\n"
     "            approved = label(f'{list(topics.values())} {item}')\n            if not approved:\n"
     "                continue\n            topics[item['topic']] = item\n", False),
])
def test_a_caller_loop_whose_next_request_reads_what_this_reply_decided(tmp_path, job, found):
    result = _loops(tmp_path, {
        "client.py": HELPER,
        "job.py": "from client import label\n\n\n" + job,
    })
    assert [os.path.basename(f.path) for f in result.findings] == (["client.py"] if found else [])


@pytest.mark.parametrize(("init", "found"), [
    ("self.agents = ['technical', 'momentum', 'mean reversion']", False),  # Turje/TradeBots: three, written out
    ("self.agents = agents", True),  # as many as the caller hands over
])
def test_a_caller_loop_over_an_attribute_set_to_a_written_out_handful(tmp_path, init, found):
    result = _loops(tmp_path, {
        "client.py": HELPER,
        "runner.py": f"from client import label\n\n\nclass Runner:\n    def __init__(self, agents=None):\n"
                     f"        {init}\n\n"
                     "    def run(self, market):\n        return [label(f'{a}: {market}') for a in self.agents]\n",
    })
    assert [os.path.basename(f.path) for f in result.findings] == (["client.py"] if found else [])


@pytest.mark.parametrize(("service", "found"), [
    # torbikua/tlx-mail-verify: the callback runs on every poll of the inbox, each verdict mailed back at once
    ("    def monitor(self, callback):\n        while True:\n            callback(self.fetch())\n"
     "            time.sleep(30)\n", False),
    ("    def monitor(self, callback):\n        callback(self.fetch())\n", True),  # one fetch, one run: a batch job
])
def test_a_function_handed_to_a_service_loop_is_live_work(tmp_path, service, found):
    result = _loops(tmp_path, {
        "client.py": HELPER,
        "inbox.py": "import time\n\n\nclass Inbox:\n    def fetch(self):\n        return []\n\n"
                    + service,
        "main.py": "from client import label\nfrom inbox import Inbox\n\n\ndef on_mail(emails):\n    for e in emails:\n"
                   "        label(e)\n\n\nif __name__ == '__main__':\n    Inbox().monitor(on_mail)\n",
    })
    assert [os.path.basename(f.path) for f in result.findings] == (["client.py"] if found else [])


def test_a_loop_over_an_attribute_of_a_settings_object_is_not_a_sweep(tmp_path):
    """``for ticker in settings.tickers``: the items are tickers, not settings (``config.models`` is a sweep)."""
    result = _loops(tmp_path, {
        "client.py": HELPER,
        "job.py": "from client import label\nfrom config import settings\n\n\ndef run():\n"
                  "    for ticker in settings.tickers:\n        label(ticker)\n\n\n"
                  "def compare():\n    for model in settings.models:\n        label(model)\n",
    })
    assert [(os.path.basename(f.path), "job.py:6;" in f.message) for f in result.findings] == [("client.py", True)]


@pytest.mark.parametrize(("started", "found"), [
    # vel190704/stock-analytics: APScheduler runs the coroutine every 30 minutes; its scores are only stored
    ("def start(scheduler):\n    scheduler.add_job(refresh, 'interval', minutes=30)\n", True),
    ("async def on_request(request):\n    await refresh(request.tickers)\n", False),  # someone waits on it
])
def test_a_coroutine_handed_to_a_scheduler_is_batch_work(tmp_path, started, found):
    result = _loops(tmp_path, {
        "client.py": HELPER.replace("def label(", "async def label("),
        "jobs.py": "from client import label\n\n\nasync def refresh(tickers):\n"
                   "    for t in tickers:\n        await label(t)\n",
        "app.py": "from jobs import refresh\n\n\n" + started,
    })
    assert [os.path.basename(f.path) for f in result.findings] == (["client.py"] if found else [])


def test_tqdm_s_thread_map_and_p_tqdm_s_p_map_run_the_function_they_are_given_per_item(tmp_path):
    # thread_map(label, rows) / process_map / p_map: a pool's map behind a progress bar
    found = _loops(tmp_path, {
        "helpers.py": HELPER,
        "batch.py": "from p_tqdm import p_map\nfrom tqdm.contrib.concurrent import thread_map\n\n"
                    "from helpers import label\n\n\n"
                    "def run(items):\n    return thread_map(label, items, max_workers=8)\n\n\n"
                    "def run_all(docs):\n    return p_map(label, docs)\n",
    }).findings
    [f] = found
    assert "label() is called per item by a map over items at " in f.message and "(and 1 more)" in f.message


def test_a_task_group_s_start_soon_runs_the_function_it_is_given_once_per_call(tmp_path):
    # anyio / trio: tg.start_soon(label, row) per row of the coroutine a script runs
    found = _loops(tmp_path, {
        "helpers.py": ASYNC_HELPER,
        "batch.py": "import sys\n\nimport anyio\n\nfrom helpers import label\n\n\nasync def run(rows):\n"
                    "    async with anyio.create_task_group() as tg:\n        for row in rows:\n"
                    "            tg.start_soon(label, row)\n\n\nif __name__ == '__main__':\n"
                    "    anyio.run(run, open(sys.argv[1]).read().splitlines())\n",
    }).findings
    [f] = found
    assert "label() is called per item by a for loop over rows at " in f.message


REGISTRY_PROVIDER = '''import anthropic


class ClaudeProvider:
    def __init__(self):
        self.client = anthropic.Anthropic()

    def complete(self, prompt):
        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=300,
                                           messages=[{"role": "user", "content": prompt}])


class EchoProvider:
    def complete(self, prompt):
        return prompt
'''
REGISTRY_RUN = '''import json
import sys

from registry import get_provider


def main():
    provider = get_provider(sys.argv[1])
    for line in open(sys.argv[2]):
        print(provider.complete(json.loads(line)["text"]))
'''


@pytest.mark.parametrize("registry", [
    # a registry module importing the classes, picking with .get into a local
    "from providers import ClaudeProvider, EchoProvider\n\n"
    "REGISTRY = {'claude': ClaudeProvider, 'echo': EchoProvider}\n\n\n"
    "def get_provider(name):\n    cls = REGISTRY.get(name)\n    if cls is None:\n        raise ValueError(name)\n"
    "    return cls()\n",
    # the registry beside the classes, subscripted and called in the return
    None,
])
def test_an_instance_a_factory_makes_from_a_registry_of_classes_is_a_receiver(tmp_path, registry):
    # get_provider(name) -> PROVIDERS[name](): the variable it fills may hold the Claude class
    files = {"providers.py": REGISTRY_PROVIDER, "run.py": REGISTRY_RUN}
    if registry is None:
        files["providers.py"] += ("\n\nPROVIDERS = {'claude': ClaudeProvider, 'echo': EchoProvider}\n\n\n"
                                  "def get_provider(name):\n    return PROVIDERS[name]()\n")
        files["run.py"] = REGISTRY_RUN.replace("from registry import", "from providers import")
    else:
        files["registry.py"] = registry
    [f] = _loops(tmp_path, files).findings
    assert "ClaudeProvider.complete() is called per item by a for loop over open(sys.argv[2]) at " in f.message


def test_an_instance_a_factory_makes_from_a_registry_a_class_decorator_fills_is_a_receiver(tmp_path):
    # @register("claude") class ClaudeProvider; get_provider(name) -> REGISTRY[name](): lm-eval-style registries
    registry = ("REGISTRY = {}\n\n\ndef register(name):\n    def deco(cls):\n        REGISTRY[name] = cls\n"
                "        return cls\n    return deco\n\n\ndef get_provider(name):\n    return REGISTRY[name]()\n")
    provider = REGISTRY_PROVIDER.replace("import anthropic\n", "import anthropic\n\nfrom registry import register\n")
    # (the runner imports the provider's module: that import is what registers it)
    run = REGISTRY_RUN.replace("from registry import", "import providers  # noqa: F401\nfrom registry import")
    files = {"registry.py": registry, "run.py": run,
             "providers.py": provider.replace("class ClaudeProvider:", "@register('claude')\nclass ClaudeProvider:")}
    [f] = _loops(tmp_path, files).findings
    assert "ClaudeProvider.complete() is called per item by a for loop over open(sys.argv[2]) at " in f.message
    files["providers.py"] = provider  # not registered: nothing hands it out
    (tmp_path / "plain").mkdir()
    assert _loops(tmp_path / "plain", files).findings == []


def test_a_loop_over_a_team_that_dispatches_on_the_member_is_no_loop_over_items(monkeypatch):
    # project_provider_dispatch: `for ai_name in team` reaches the Claude request only where
    # ai_name == "claude" (tested two calls down, through a timeout wrapper passing the name on);
    # the per-document loop passing "claude" itself is the one loop the finding names
    root = Path(__file__).parent / "cases" / "project_provider_dispatch"
    monkeypatch.chdir(root)
    result = lint_paths([root], LintSettings(root=root, select=("TB401",), cache=False))
    [f] = [f for f in result.findings if f.path.endswith("orchestrator.py")]
    assert [(os.path.basename(r["path"]), r["line"]) for r in f.properties["related"]] == [("orchestrator.py", 38)]
