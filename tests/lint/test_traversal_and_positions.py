"""The speed-ups of the libcst layer must be invisible: the read-only traversal calls a visitor's
methods exactly as libcst's own ``visit`` does, and statement-level positions are exactly libcst's
whole-module ``PositionProvider`` positions."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from pytest_tokenbudget.lint import cstwalk
from pytest_tokenbudget.lint.source import Positions
from pytest_tokenbudget.lint.types import Range

TRICKY = '''\
# header comment
import anthropic  # trailing
x = 1; y = [
    2,
        3]  # a continuation line keeps its own indentation


@decorator(
    arg=1)
async def ask(q, *, model="claude-haiku-4-5"):
    """Doc
    string."""
    if q:  pass
    elif q is None:
        # a comment line in a block
        return await client.messages.create(model=model, max_tokens=10,
                                            messages=[{"role": "user", "content": f"""{q}
  multi-line
"""}])
    else:
        for i in range(3): print(i); continue
    try:
        with open("f") as fh, open("g") as gh:
            pass
    except (ValueError, KeyError) as exc:
        raise
    else:
        pass
    finally:
        del x


class Bot:
\tdef run(self):
\t\twhile True:
\t\t\tbreak
\telse_ = lambda: (yield)
'''


def _variants() -> list[str]:
    return [TRICKY, TRICKY.replace("\n", "\r\n"), TRICKY.rstrip("\n")]


class _Hooks(cst.CSTVisitor):
    """Records every hook in order; skips the children of lambdas (``visit_`` returning False).
    No on_visit override: the cached-dispatch path."""

    def __init__(self) -> None:
        self.log: list[tuple[str, int]] = []

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.log.append(("visit Lambda", id(node)))
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.log.append(("visit Name", id(node)))

    def leave_Call(self, node: cst.Call) -> None:
        self.log.append(("leave Call", id(node)))


class _Log(_Hooks):
    """The same hooks, and every node through libcst's own dispatch (an on_visit override)."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.log.append(("node", id(node)))
        return super().on_visit(node)


class _TriviaHooks(_Hooks):
    """Hooks on whitespace and punctuation too: the fast walk must then enter them (a visitor with
    none, like :class:`_Hooks`, is not walked into them)."""

    def visit_Comment(self, node: cst.Comment) -> None:
        self.log.append(("visit Comment", id(node)))

    def leave_Comma(self, node: cst.Comma) -> None:
        self.log.append(("leave Comma", id(node)))


@pytest.mark.parametrize("visitor_cls", [_Log, _Hooks, _TriviaHooks])
@pytest.mark.parametrize("text", _variants())
def test_read_only_traversal_calls_the_same_hooks_in_the_same_order(text, visitor_cls, monkeypatch):
    module = cst.parse_module(text)
    monkeypatch.setattr(cst.CSTNode, "visit", cst.CSTNode.visit)  # restored after the test
    cstwalk.install(modules=(visitor_cls.__module__,))
    fast = visitor_cls()
    module.visit(fast)
    assert cstwalk.installed()
    cstwalk.uninstall()  # libcst's own visit
    assert not cstwalk.installed()
    slow = visitor_cls()
    module.visit(slow)
    assert fast.log == slow.log and len(fast.log) > 30


def test_children_are_libcst_children():
    module = cst.parse_module(TRICKY)
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        assert cstwalk.children(node) == list(node.children)
        stack.extend(node.children)


def test_a_visitor_with_attribute_hooks_goes_through_libcst(monkeypatch):
    class Attr(cst.CSTVisitor):
        def __init__(self) -> None:
            self.seen = 0

        def visit_Call_func(self, node: cst.Call) -> None:
            self.seen += 1

    monkeypatch.setattr(cst.CSTNode, "visit", cst.CSTNode.visit)
    cstwalk.install(modules=(Attr.__module__,))
    v = Attr()
    cst.parse_module("f(g(1))\n").visit(v)
    assert v.seen == 2


@pytest.mark.parametrize("text", _variants())
def test_statement_positions_are_whole_module_positions(text):
    module = cst.parse_module(text)
    want = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    pos = Positions(module, text)
    for node, r in want.items():
        assert pos(node) == Range(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1), node


@pytest.mark.parametrize("text", _variants())
def test_positions_with_a_holding_statement_hint_are_the_same(text):
    """``within`` (the definition around a call) is walked first; every node keeps libcst's own
    range, whether it lies in the hinted statement or elsewhere (a constant at module level)."""
    module = cst.parse_module(text)
    want = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ask, bot = module.body[2], module.body[3]
    assert isinstance(ask, cst.FunctionDef) and isinstance(bot, cst.ClassDef)
    for hint in (ask, bot):
        pos = Positions(module, text)
        for node, r in want.items():
            assert pos(node, hint) == Range(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1), node


def test_positions_without_the_text_use_the_whole_module():
    module = cst.parse_module("a = 1\nb = f(2)\n")
    call = module.body[1].body[0].value
    assert Positions(module)(call) == Range(2, 5, 2, 9)
    with pytest.raises(KeyError):
        Positions(module, "a = 1\nb = f(2)\n")(cst.Name("elsewhere"))

