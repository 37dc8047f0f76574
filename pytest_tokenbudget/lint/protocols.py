"""Protocol classes: structural types a concrete class implements without naming them.

``class Provider(Protocol): def complete(...)`` beside ``class AnthropicProvider: def complete(...)``
in one module: an agent holding ``provider: Provider`` calls ``self.provider.complete(...)``, and
that is a call of ``AnthropicProvider.complete`` although the class never lists ``Provider`` among
its bases. :func:`protocols_declaring` names the module's Protocol classes that declare a method, so
the caller search (:mod:`.callsearch`) treats importing one of them like importing a base class;
:func:`imported_protocols` finds them in the modules the class's own module imports from
(``from .base import LLMResponse`` beside ``class LLMClient(Protocol)`` in ``base.py``: a provider
package's interface module), and :func:`sibling_protocols` those of the modules beside it that the class
matches structurally (``llm/protocol.py``'s ``LLMClient.complete`` beside ``llm/claude.py``'s
``ClaudeClient``, which imports nothing from it: the scorer holding ``llm: LLMClient`` runs it).
"""

from __future__ import annotations

import ast
import os
from typing import Any

from pytest_tokenbudget.lint.source import FileError, read_file

__all__ = ["imported_protocols", "is_protocol", "protocol_methods", "protocols_declaring", "sibling_protocols"]


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


def imported_protocols(project: Any, tree: ast.Module, path: str, method: str) -> list[tuple[str, str]]:
    """``(file, name)`` of the Protocol classes declaring ``method`` in the project modules ``tree``
    (the module at ``path``) imports names from with ``from X import ...``."""
    out: list[tuple[str, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        found = project._find_module("." * node.level + (node.module or ""), path)
        if found is None or found[1]:  # (found[1]: the attribute path left over, not a module)
            continue
        mod = project._load(found[0])
        if mod is not None and mod.parse() is not None and mod.tree is not None:
            out += [(found[0], n) for n in protocols_declaring(mod.tree, method) if (found[0], n) not in out]
    return out


def protocol_methods(project: Any, path: str, tree: ast.Module, function: str) -> list[tuple[str, str]]:
    """``(file, "Proto.m")`` for the Protocols a class's method ``Cls.m`` may be called through:
    those of its own module and of the modules it imports from that declare ``m`` (a caller holding
    ``client: LLMClient`` runs ``AnthropicClient.generate``)."""
    head, _, meth = function.partition(".")
    if not meth or "." in meth or not any(isinstance(s, ast.ClassDef) and s.name == head and not is_protocol(s)
                                          for s in tree.body):
        return []
    own = [(path, f"{n}.{meth}") for n in protocols_declaring(tree, meth)]
    found = own + [(f, f"{n}.{meth}") for f, n in imported_protocols(project, tree, path, meth)]
    cls = next(s for s in tree.body if isinstance(s, ast.ClassDef) and s.name == head)
    return found + [(f, f"{n}.{meth}") for f, n in sibling_protocols(project, path, cls, meth)
                    if (f, f"{n}.{meth}") not in found]


def _methods(cls: ast.ClassDef) -> set[str]:
    return {f.name for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}


def sibling_protocols(project: Any, path: str, cls: ast.ClassDef, method: str) -> list[tuple[str, str]]:
    """``(file, name)`` of the Protocol classes in the other modules of ``path``'s folder that declare
    ``method`` and whose every method ``cls`` defines (it implements them without importing them).
    Only modules whose bytes name ``Protocol`` and the method are parsed."""
    folder, own = os.path.dirname(path), _methods(cls)
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".py"))
    except OSError:
        return []
    out: list[tuple[str, str]] = []
    needle = method.encode()
    for name in names:
        other = os.path.join(folder, name)
        if os.path.normpath(other) == os.path.normpath(path):
            continue
        held = project.modules.get(other)  # (else read, not kept in the index unless it holds a Protocol)
        got = (held.data, None) if held is not None else read_file(other)
        if isinstance(got, FileError) or b"Protocol" not in got[0] or needle not in got[0]:
            continue
        mod = project._load(other)
        if mod is None or mod.parse() is None:
            continue
        out += [(other, s.name) for s in mod.tree.body if isinstance(s, ast.ClassDef) and is_protocol(s)
                and method in _methods(s) and _methods(s) <= own]
    return out
