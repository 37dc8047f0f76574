"""A project class shaped like the SDK client: ``client.messages.create(model=..., messages=...)`` on it
is not a Claude API request.

A course backend's ``ClaudeAPI`` runs the local ``claude`` command line through ``subprocess`` and
offers ``client.messages.create(...)`` so that its callers read like SDK code; a test's
``FakeAnthropic`` answers from a list. The call on such an object has the arguments of a request, so
the call-site layer took it for one (a request without ``max_tokens``: TB201). When the receiver is
made by calling a class the project defines (imported from a project module, or defined in the
file), and that class's module writes its own ``create`` (the API method the call names, on any of
its classes: ``self.messages = _Messages(self)``) and imports neither the ``anthropic`` nor the
``openai`` SDK, the call goes to the project's code, not to the API. A facade that does wrap the
SDK imports it, and its own request inside is the call site reported there.
"""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.scopes import ClassRef, ImportRef, Scope
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.prefilter import imports_sdk

__all__ = ["project_facade"]

def project_facade(receiver: Any, scope: Scope, resolver: Any, method: str) -> bool:
    """``receiver`` (the name a request-shaped call is made on) holds an instance of a project class
    whose module defines ``method`` itself and imports no SDK."""
    if not isinstance(receiver, cst.Name):
        return False
    found = resolver.lookup(receiver.value, scope)
    if found is None or len(found[1]) != 1 or found[1][0].kind != "assign":
        return False
    where, (binding,) = found
    made = binding.node
    if not isinstance(made, cst.Call):
        return False
    cls = resolver.expr(made.func, where)
    if isinstance(cls, ImportRef) and cls.root not in ("anthropic", "openai"):
        return _facade_module(cls.qualname, method)
    if isinstance(cls, ClassRef) and cls.scope.name:
        return _facade_module(None, method, cls.scope.name)
    return False


def _facade_module(dotted: str | None, method: str, local_class: str | None = None) -> bool:
    """The class (``dotted`` as this file imports it, else ``local_class`` of this file) is defined in
    a project module that writes a ``method`` of its own and imports no SDK."""
    from pytest_tokenbudget.lint.callnames import tree_of
    from pytest_tokenbudget.lint.project import active

    act = active()
    if act is None:
        return False
    project, path = act
    name = local_class
    if dotted is not None:
        found = project._find_module(dotted, path)
        if found is None or len(found[1]) != 1:
            return False
        path, (name,) = found
    tree = tree_of(project, path)
    if tree is None:
        return False
    digest = project.digest_of(path)
    if digest is not None:
        project.deps[path] = digest  # (a cached answer for the calling file rests on this one)
    classes = [n for n in walk(tree) if isinstance(n, ast.ClassDef)]
    return any(c.name == name for c in classes) and not any(imports_sdk(n) for n in walk(tree)) and any(
        isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == method for c in classes for f in c.body)
