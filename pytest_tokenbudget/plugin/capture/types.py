"""What the HTTP interception layer hands to whoever listens: one request, one record per attempt.

This is the contract between ``capture`` (which patches ``send`` and observes streams) and the
ledger/plugin (which attributes, prices and budgets). Plain immutable values: no Decimal, no SDK
objects, nothing that holds a secret (URLs lose their query string; headers are never copied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["CallRecord", "CallRequest", "CaptureListener"]


@dataclass(frozen=True)
class CallRequest:
    """An LLM API request about to be sent (one HTTP attempt)."""

    api: str  # "anthropic" | "openai"
    endpoint: str  # "messages" | "count_tokens" | "batches" | "chat.completions" | "responses" | "completions" | "embeddings"
    url: str  # scheme://host/path, query string removed (keys can live there)
    model: str | None  # as sent in the body (or in the URL for Bedrock/Vertex)
    max_tokens: int | None  # max_tokens / max_completion_tokens / max_output_tokens
    stream: bool
    attempt: int | None  # x-stainless-retry-count (0 = first try); None for raw HTTP calls
    body: dict[str, Any] | None = field(default=None, repr=False, compare=False)  # parsed JSON body
    input_estimate: int | None = None  # estimated input tokens of the body (for pre-flight)
    # known before sending (.liveness): True = goes to the network, False = a mock transport, a respx
    # route or a cassette replay answers it, None = cannot be known (pre-flight counts it as live)
    expected_live: bool | None = None


@dataclass(frozen=True)
class CallRecord:
    """What one attempt did. Written exactly once per attempt, whatever happened."""

    request: CallRequest
    status: int | None  # HTTP status; None when no response arrived (connection error, refusal)
    response_model: str | None  # the model the response names (price by this one when present)
    usage: dict[str, Any] | None  # the raw usage mapping as reported (streams: merged); None = unknown
    complete: bool  # non-streaming: body parsed; streaming: the end event was seen
    streamed: bool
    live: bool  # False for mocks and cassette replays (no network_stream in response extensions)
    duration_s: float
    error: str | None = None  # what went wrong, secrets removed (HTTP error body type, parse error, exception)
    refused: bool = False  # refused before sending by a budget (nothing was sent)
    events: int = 0  # SSE events seen (streams)
    lost: bool = False  # sent, but the response was lost (read timeout/error, reset, undecodable body):
    #                     whether the API billed it is unknown
    batch: dict[str, Any] | None = None  # Message Batches: {"id", "requests"} (create) or {"id", "results":
    #   [(custom_id, model, usage), ...], "errored"} (results; succeeded requests only, billed at the batch rate)


class CaptureListener(Protocol):
    """Receives every intercepted LLM call. Both methods run on the caller's thread."""

    def before_send(self, request: CallRequest) -> Any:
        """Called before the request leaves. May raise ``TokenBudgetExceeded`` to refuse it.

        Returns a token (e.g. a reservation) that is passed back to :meth:`on_record`.
        """

    def on_record(self, token: Any, record: CallRecord) -> None:
        """Called once when the attempt is over (response read, stream ended/closed/dropped, error)."""
