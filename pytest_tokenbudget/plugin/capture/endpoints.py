"""Which HTTP requests are LLM API calls: a path-suffix test that costs well under a microsecond.

Recognised (POST, except the batch results; the query string is ignored):

==============================================  =========  ==================  =================
path ends with                                  api        endpoint            model from
==============================================  =========  ==================  =================
``/v1/messages``                                anthropic  messages            body
``/v1/messages/count_tokens``                   anthropic  count_tokens        body
``/v1/messages/batches``                        anthropic  batches             (per request)
GET ``/v1/messages/batches/{id}/results``       anthropic  batch_results       (per result, JSONL)
``/chat/completions``                           openai     chat.completions    body
``/responses``                                  openai     responses           body
``/completions``                                openai     completions         body
``/embeddings``                                 openai     embeddings          body
``/model/{id}/invoke[-with-response-stream]``   anthropic  messages            URL (Bedrock)
``/models/{id}:rawPredict`` / ``:streamRaw…``   anthropic  messages            URL (Vertex)
==============================================  =========  ==================  =================
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import unquote

__all__ = ["BATCH_RESULTS", "Endpoint", "batch_id_of", "classify_get", "classify_path"]


class Endpoint(NamedTuple):
    api: str
    endpoint: str
    model: str | None = None  # taken from the URL (Bedrock, Vertex)
    stream: bool | None = None  # decided by the URL (Bedrock, Vertex); None = read the body
    platform: str | None = None  # "bedrock" | "vertex" | None


SUFFIXES = (
    b"/v1/messages", b"/messages/count_tokens", b"/messages/batches", b"/completions", b"/responses",
    b"/embeddings", b"/invoke", b"/invoke-with-response-stream", b":rawPredict", b":streamRawPredict",
)

_MESSAGES = Endpoint("anthropic", "messages")
_COUNT = Endpoint("anthropic", "count_tokens")
_BATCHES = Endpoint("anthropic", "batches")
BATCH_RESULTS = Endpoint("anthropic", "batch_results")
_CHAT = Endpoint("openai", "chat.completions")
_COMPLETIONS = Endpoint("openai", "completions")
_RESPONSES = Endpoint("openai", "responses")
_EMBEDDINGS = Endpoint("openai", "embeddings")


def classify_path(path: bytes) -> Endpoint | None:
    """The LLM endpoint a request path (query already removed) names, or None."""
    if path.endswith(b"/v1/messages"):
        return _MESSAGES
    if path.endswith(b"/chat/completions"):
        return _CHAT
    if path.endswith(b"/v1/messages/count_tokens"):
        return _COUNT
    if path.endswith(b"/v1/messages/batches"):
        return _BATCHES
    if path.endswith(b"/responses"):
        return _RESPONSES
    if path.endswith(b"/completions"):
        return _COMPLETIONS
    if path.endswith(b"/embeddings"):
        return _EMBEDDINGS
    if path.endswith((b"/invoke", b"/invoke-with-response-stream")):
        head, _, action = path.rpartition(b"/")
        prefix, _, model = head.rpartition(b"/")
        if not prefix.endswith(b"/model") and prefix != b"/model":
            return None
        return Endpoint("anthropic", "messages", unquote(model.decode("ascii", "replace")),
                        action == b"invoke-with-response-stream", "bedrock")
    if path.endswith((b":rawPredict", b":streamRawPredict")):
        head, _, action = path.rpartition(b":")
        prefix, _, model = head.rpartition(b"/")
        if not prefix.endswith(b"/models"):
            return None
        model_s = unquote(model.decode("ascii", "replace"))
        if model_s == "count-tokens":
            return Endpoint("anthropic", "count_tokens", None, False, "vertex")
        return Endpoint("anthropic", "messages", model_s, action == b"streamRawPredict", "vertex")
    return None


def classify_get(path: bytes) -> Endpoint | None:
    """A GET that bills: the results of a Message Batch (``…/messages/batches/{id}/results``)."""
    if path.endswith(b"/results") and b"/messages/batches/" in path:
        return BATCH_RESULTS
    return None


def batch_id_of(url: str) -> str | None:
    """The batch id in a results URL (``…/messages/batches/{id}/results``), or None."""
    head, sep, tail = url.partition("/messages/batches/")
    batch_id = tail.split("/", 1)[0] if sep else ""
    return batch_id or None
