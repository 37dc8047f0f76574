"""The byte prefilter: decide from raw bytes, before any parse, whether a file may hold a call.

Two steps, both on bytes: a substring test (``messages`` / ``completions``: a C ``memmem``, about
as fast as reading the file), then a regex for the call shapes the extractor can recognise:
``<x>.messages.create|stream|parse|count_tokens``, ``batches.create``,
``chat.completions.create`` (with optional ``with_raw_response.`` and line breaks), and an alias
assignment of ``<x>.messages`` / ``<x>.messages.create``. A file that fails is never parsed.
"""

from __future__ import annotations

import re

__all__ = ["may_contain_calls"]

_CALL = re.compile(
    rb"(?:messages|completions|batches)\s*\.\s*(?:with_(?:raw|streaming)_response\s*\.\s*)?"
    rb"(?:create|stream|parse|count_tokens)\b"
)
_ALIAS = re.compile(rb"=\s*[\w.()\[\]\"' ,=]*\.\s*messages\s*(?:$|#|\n|\))", re.M)


def may_contain_calls(data: bytes) -> bool:
    """True if ``data`` (a file's bytes) may contain a Messages / chat-completions call."""
    if b"messages" not in data and b"completions" not in data:
        return False
    return _CALL.search(data) is not None or _ALIAS.search(data) is not None
