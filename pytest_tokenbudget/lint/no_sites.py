"""Files the :mod:`ast` tree shows cannot yield a call site, so their libcst parse is skipped.

The byte and :mod:`ast` prefilters (:mod:`.prefilter`) keep every file with an OpenAI-style
``chat.completions.create(...)`` call, since such a call is a Claude request when its model is
(a gateway such as OpenRouter or LiteLLM in front of Claude). On real code most of them send
``model="gpt-4o"`` and friends, and call-site extraction drops them only after the libcst parse
and the scope analysis, which are most of a file's cost (on a tree of 108 LLM projects, 136 of
the 410 candidate files held no site; 74 of them, all of this kind, qualify below).

:func:`cannot_hold_sites` decides it from the :mod:`ast` tree with the tests extraction itself
applies. A file qualifies when

* its text never mentions ``anthropic`` or ``claude`` (any case): no Anthropic client is built or
  annotated here, and no Claude id is written here;
* every call of a method named like an API method (``create``, ``stream``, ``parse``,
  ``count_tokens``) is a call ``<receiver>.chat.completions.create|parse|stream(...)``, no such
  method is handed to another call (a retry wrapper), and no name is assigned an attribute named
  like an API or its method (``m = client.messages``). The extraction's candidates are exactly
  such calls, methods handed to wrappers, and calls through such aliases (a Messages or Batches
  request, ``with_raw_response``, a legacy ``completions.create`` are other calls of that kind);
* each such call passes ``model=`` as a string literal (no ``**`` that could hold another), which
  is neither a model the catalog prices (user-added models included) nor a ``claude`` id, and is
  plainly another vendor's model (``gpt-``, ``gemini``, ``llama`` ...: :data:`.claude_ids.OTHER_VENDORS`).

An OpenAI-style call counts only with a Claude model, so none of these calls is a site. The last
condition covers the one remaining way: an instructor client over an Anthropic client built in
another module and imported here, whose ``chat.completions.create`` is a Messages request; sent
another vendor's model id, that request fails at once (and a client traced there through a
provider switch would be the switch's other branch), so nothing is lost a reviewer would want.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from pytest_tokenbudget.lint.analysis.claude_ids import is_claude_like, is_claude_model
from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["cannot_hold_sites"]

_NAMES_A_SITE_NEEDS = re.compile(r"anthropic|claude", re.IGNORECASE)
_METHODS = frozenset({"create", "stream", "parse", "count_tokens", "tool_runner"})  # as .analysis.bindings.METHODS
_OPENAI_METHODS = frozenset({"create", "parse", "stream"})
_API_ATTRIBUTES = frozenset({"messages", "batches", "completions"})


def cannot_hold_sites(tree: ast.Module, text: str, catalog: Any) -> bool:
    """True when no call in ``tree`` (the :mod:`ast` tree of ``text``) can be a Claude request."""
    if "completions" not in text or _NAMES_A_SITE_NEEDS.search(text):
        return False
    seen = False
    for node in walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _METHODS:
                if not _other_vendors_chat_call(node, catalog):
                    return False  # a candidate the extraction would trace
                seen = True
            if any(_is_method(a) for a in node.args) or any(_is_method(k.value) for k in node.keywords):
                return False  # a method handed to a (retry) wrapper
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) \
                and node.value.attr in _API_ATTRIBUTES | _METHODS:
            return False  # an alias of an API object or method: calls are traced through it
    return seen


def _is_method(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in _METHODS


def _other_vendors_chat_call(call: ast.Call, catalog: Any) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _OPENAI_METHODS):
        return False
    completions = func.value
    if not (isinstance(completions, ast.Attribute) and completions.attr == "completions"
            and isinstance(completions.value, ast.Attribute) and completions.value.attr == "chat"):
        return False
    if any(k.arg is None for k in call.keywords):
        return False
    models = [k.value for k in call.keywords if k.arg == "model"]
    if len(models) != 1 or not isinstance(models[0], ast.Constant) or not isinstance(models[0].value, str):
        return False
    model = models[0].value
    return not is_claude_model(model, catalog) and not is_claude_like(model)
