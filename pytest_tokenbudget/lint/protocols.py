"""Protocol classes: structural types a concrete class implements without naming them.

``class Provider(Protocol): def complete(...)`` beside ``class AnthropicProvider: def complete(...)``
in one module: an agent holding ``provider: Provider`` calls ``self.provider.complete(...)``, and
that is a call of ``AnthropicProvider.complete`` although the class never lists ``Provider`` among
its bases. :func:`protocols_declaring` names the module's Protocol classes that declare a method, so
the caller search (:mod:`.callsearch`) treats importing one of them like importing a base class.
"""

from __future__ import annotations

import ast

__all__ = ["is_protocol", "protocols_declaring"]


def is_protocol(cls: ast.ClassDef) -> bool:
    for b in cls.bases:
        head = b.value if isinstance(b, ast.Subscript) else b  # Protocol[T]
        if (isinstance(head, ast.Name) and head.id == "Protocol") or (
                isinstance(head, ast.Attribute) and head.attr == "Protocol"):
            return True
    return False


def protocols_declaring(tree: ast.Module, method: str) -> list[str]:
    """The module-level Protocol classes of ``tree`` that declare ``method``."""
    return [s.name for s in tree.body if isinstance(s, ast.ClassDef) and is_protocol(s)
            and any(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == method for f in s.body)]
