"""receivers.factories: the functions and static methods that hand out an instance of a class."""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.receivers import factories

SOURCE = '''
def get_backend(name):
    if name == "claude":
        return ClaudeBackend()
    return OpenAIBackend()

def make_parser():
    return Parser()

def make_parser():  # redefined: either definition may be the one that runs
    return LooseParser()

class ClientFactory:
    @staticmethod
    def create_client(provider):
        def inner():
            return Hidden()
        return ClaudeBackend(provider)

class ClaudeBackend:
    def copy(self):
        return ClaudeBackend()
'''


def test_factories_answer_each_class_asked_about_from_one_tree() -> None:
    tree = ast.parse(SOURCE)
    assert factories(tree, {"ClaudeBackend"}) == {"get_backend", "ClientFactory.create_client"}
    assert factories(tree, {"OpenAIBackend"}) == {"get_backend"}
    assert factories(tree, {"Parser"}) == {"make_parser"}
    assert factories(tree, {"LooseParser"}) == {"make_parser"}
    assert factories(tree, {"Hidden"}) == {"ClientFactory.create_client"}  # a nested def's return counts
    assert factories(tree, {"Missing"}) == set()


def test_a_class_does_not_make_itself_through_its_own_methods() -> None:
    tree = ast.parse(SOURCE)
    assert "ClaudeBackend.copy" not in factories(tree, {"ClaudeBackend"})
    assert factories(tree, {"ClaudeBackend", "ClientFactory"}) == {"get_backend"}
