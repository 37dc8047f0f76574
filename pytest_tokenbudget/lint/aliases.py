"""How a file re-binds what it reaches (for :func:`.callnames.refs_for`): a function under another
name (``api_call = call_claude if x else call_openai``), and instances of a class made by its
constructor, a factory, ``llm or make_llm()``, and handed back by a lazy getter.
"""

from __future__ import annotations

import ast
from typing import Any

from pytest_tokenbudget.lint.receivers import lazy_getters
from pytest_tokenbudget.lint.statements import statements_of

__all__ = ["aliases", "operands"]


def operands(value: ast.expr) -> list[ast.expr]:
    return value.values if isinstance(value, ast.BoolOp) else [value]  # (``llm or make_llm()``: either)


def aliases(tree: ast.Module, refs: Any) -> None:
    """``fn = f`` (or ``fn = f if c else g``) re-binds the function; ``x = Cls(...)`` / ``self.x =
    Cls(...)`` makes an instance, and so does ``x = make(...)`` of a module function that returns one
    (``get_backend(name)``); a method handing back such a ``self.x`` is a lazy getter of it."""
    makers = refs.names  # (for a method, refs_for has added the file's factories of the class)
    dotted_tails = {m.rpartition(".")[2] for m in makers if "." in m}  # (Factory.create: unparse only those)
    for node in statements_of(tree).assigns:
        if len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if not refs.method and isinstance(target, ast.Name) and (refs.refers(value) or isinstance(
                value, ast.IfExp) and (refs.refers(value.body) or refs.refers(value.orelse))):
            refs.names.add(target.id)  # api_call = call_openai if x else call_claude
        elif refs.method and any(_makes(v, refs, makers, dotted_tails) for v in operands(value)):
            refs.receivers.add(ast.unparse(target))  # (self.llm = llm or get_provider(...) too)
    refs.names |= lazy_getters(tree, refs.receivers) if refs.method and refs.receivers else set()


def _makes(value: ast.expr, refs: Any, makers: set[str], dotted_tails: set[str]) -> bool:
    """``Cls(...)`` or ``make(...)`` of ``makers``, or ``mod.Cls(...)`` of an imported module."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id in makers
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
        func.value.id in refs.modules or func.attr in dotted_tails and ast.unparse(func) in makers)
