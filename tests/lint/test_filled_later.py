"""The project index never reads a module-level list the module fills afterwards as its empty start;
it reads one that module-level loops fill from known data item by item."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from pytest_tokenbudget.lint.analysis.values import Unknown
from pytest_tokenbudget.lint.filled_lists import filled_later
from pytest_tokenbudget.lint.project import Project

SHOTS = textwrap.dedent('''
    import json

    EXAMPLES = json.load(open("examples.json"))
    FEWSHOT = []
    for ex in EXAMPLES:
        FEWSHOT.append({"role": "user", "content": ex["q"]})
    EXTRA = []


    def register(turn):
        EXTRA.append(turn)


    FIXED = [{"role": "user", "content": "Say hi."}]
    GROWN = ["a"]
    GROWN += ["b"]
    ''')


def test_lists_filled_later_are_unknown_and_the_others_are_read(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "shots.py").write_text(SHOTS)
    project = Project(tmp_path)
    caller = str(tmp_path / "run.py")
    for name in ("FEWSHOT", "EXTRA", "GROWN"):
        found = project.value(f"shots.{name}", caller)
        assert found is None or isinstance(found[0], Unknown), name
    assert project.value("shots.FIXED", caller)[0] == [{"role": "user", "content": "Say hi."}]


def test_the_byte_search_names_only_that_list():
    value = ast.parse("X = []").body[0].value
    assert filled_later(b"X = []\nX.append(1)\n", "X", value)
    assert filled_later(b"X = []\nX .extend([1])\n", "X", value)
    assert not filled_later(b"X = []\nself.X.append(1)\nMAX.append(1)\n", "X", value)
    assert not filled_later(b"X = {}\nX.append(1)\n", "X", ast.parse("X = {}").body[0].value)  # not a list


def test_a_list_module_loops_fill_from_known_data_is_read_item_by_item(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "shots.py").write_text(textwrap.dedent('''
        EXAMPLES = [{"q": "2+2?", "a": "4"}, {"q": "3+3?", "a": "6"}]
        FEWSHOT = []
        for ex in EXAMPLES:
            FEWSHOT.append({"role": "user", "content": ex["q"]})
            FEWSHOT.append({"role": "assistant", "content": ex["a"]})
        LATER = []
        for ex in EXAMPLES:
            LATER.append(ex["q"])
        LATER.extend(["one more"])
        '''))
    project = Project(tmp_path)
    caller = str(tmp_path / "run.py")
    assert project.value("shots.FEWSHOT", caller)[0] == [
        {"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"},
        {"role": "user", "content": "3+3?"}, {"role": "assistant", "content": "6"}]
    later = project.value("shots.LATER", caller)
    assert later is None or isinstance(later[0], Unknown)  # also changed outside the loops


def test_a_comprehension_over_a_list_of_unknown_length_is_unknown(tmp_path: Path):
    """An unknown item may stand for any number of items (a helper's list filled in a loop): a
    comprehension over it is not one item per unknown."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "pages.py").write_text(textwrap.dedent('''
        def pages(doc):
            out = []
            for page in doc:
                out.append(page)
            return out


        PAGES = pages(open("doc.txt"))
        BLOCKS = [{"type": "text", "text": p} for p in PAGES]
        KNOWN = [{"type": "text", "text": p} for p in ["a", "b"]]
        '''))
    project = Project(tmp_path)
    caller = str(tmp_path / "run.py")
    blocks = project.value("pages.BLOCKS", caller)
    assert blocks is None or isinstance(blocks[0], Unknown)
    assert project.value("pages.KNOWN", caller)[0] == [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]


def test_a_request_reads_a_local_list_but_a_conversation_grown_after_it_is_not_one_list():
    """``messages`` filled before the request it is sent in is that list; appended to after a request
    (the reply, then the next turn) it is a conversation, not modelled."""
    from pytest_tokenbudget.lint.filled_lists import filled_lists

    tree = ast.parse(textwrap.dedent('''
        def ask(client, q):
            messages = []
            for ex in EXAMPLES:
                messages.append(ex)
            messages.append(q)
            return client.messages.create(model="m", max_tokens=5, messages=messages)


        def chat(client, q):
            messages = [q]
            reply = client.messages.create(model="m", max_tokens=5, messages=messages)
            messages.append(reply)
            return client.messages.create(model="m", max_tokens=5, messages=messages)
    '''))
    ask, chat = tree.body
    single = {"messages": ast.List(elts=[], ctx=ast.Load())}
    filled = filled_lists(ask, single)["messages"]
    assert isinstance(filled, ast.List) and [type(e).__name__ for e in filled.elts] == ["Starred", "Name"]
    single = {"messages": chat.body[0].value}
    assert filled_lists(chat, single) == {"messages": None}
