"""HTTP interception: every LLM API attempt, as one record each -- made through httpx2 / httpx
(:mod:`.patch`), urllib3 (requests, botocore/boto3), http.client (urllib) or aiohttp
(:mod:`.layers`; each library patched when it is imported). When stacks nest (requests -> urllib3
-> http.client, an httpx transport built on urllib3) only the outermost layer records
(:mod:`.hub`); an inner network layer tells it the call was live.

Public API (stable)::

    from pytest_tokenbudget.plugin import capture

    capture.install(listener)      # start; patches send() once per client class (idempotent)
    capture.install(listener, estimate_input=False)   # same, without CallRequest.input_estimate
    capture.uninstall()            # stop; restores send() where it is still ours, else goes inert
                                   # (calls already in flight still deliver their record to the
                                   # listener they started with)
    capture.installed()            # -> bool
    capture.add_hosts(["llm.internal:8443", "*.my-gateway.example"])   # the last line of defence
                                   # (:mod:`.guard`) also watches these hosts
    with capture.bypass():         # this thread / asyncio task: calls are not intercepted
        ...                        # (for the plugin's own HTTP calls)
    capture.finish_open(reason)    # record now every attempt not over yet (a stream nobody closed,
                                   # a request still waiting): incomplete, what was seen; -> count

``listener`` implements :class:`CaptureListener` (see :mod:`.types`):

- ``before_send(request: CallRequest) -> token`` runs on the caller's thread before the request
  leaves (attribute the test here). Raising :class:`~pytest_tokenbudget.TokenBudgetExceeded`
  refuses the call: nothing is sent, the exception reaches the caller unchanged (the SDKs do not
  wrap or retry a ``BaseException``), and ``on_record(None, record)`` is called with
  ``record.refused=True, status=None``. Any other ``BaseException`` also propagates (recorded with
  ``error`` set, ``refused=False``). An ``Exception`` raised by ``before_send`` is a listener bug:
  it is reported as a :class:`CaptureWarning` and the call goes ahead (token ``None``).
- ``on_record(token, record: CallRecord)`` is called exactly once per attempt, when it is over:
  non-streaming — right after ``send`` returns (body parsed); streaming — when the stream is read
  to its end, closed (``close``/``aclose``, also early), fails, or is garbage-collected unclosed;
  ``send`` raised — with ``status=None`` and ``error``. An ``Exception`` from ``on_record`` becomes a
  :class:`CaptureWarning`; a ``BaseException`` propagates to the caller (except from ``__del__``).

What is intercepted: ``POST`` requests whose path (query ignored) ends in ``/v1/messages``
(endpoint ``messages``), ``/v1/messages/count_tokens`` (``count_tokens``),
``/v1/messages/batches`` (``batches``), ``/chat/completions``, ``/responses``, ``/completions``,
``/embeddings`` (api ``openai``), Bedrock ``/model/{id}/invoke[-with-response-stream]`` and
Vertex ``…/models/{id}:rawPredict|:streamRawPredict`` (api ``anthropic``, model from the URL), and
one ``GET``: the results of a Message Batch, ``…/messages/batches/{id}/results`` (``batch_results``).
Everything else goes straight to the original ``send`` (about a microsecond of overhead).

Record semantics:

- ``usage``: the raw usage mapping with null fields removed (equals the SDK's
  ``usage.model_dump(exclude_none=True)``). Anthropic streams: ``message_start`` usage merged with
  each ``message_delta`` (:func:`~pytest_tokenbudget.core.usage.merge_message_delta`). OpenAI streams:
  the chunk that carries ``usage`` (only with ``stream_options.include_usage``), else ``None``.
  ``None`` always means *unknown*, never zero. HTTP errors, ``count_tokens`` and ``batches``
  (billed later, with the results) have ``usage=None``.
- ``complete``: non-streaming — the 2xx body parsed; streaming — the end event (``message_stop``,
  ``[DONE]``, ``response.completed``) was seen and no error event / exception happened.
- ``live``: ``"network_stream" in response.extensions`` (httpcore sets it), or an aiohttp
  transport; mocks and cassette replays are ``live=False``.
- ``streamed``: the response body is an event stream (SSE / AWS event stream).
- ``error``: exception text, ``type: message`` of a JSON error body (or ``HTTP 502 (body is not
  JSON)``), an SSE error event, or an observer problem. No headers are ever copied; URLs lose
  their query string.
- ``batch`` (Message Batches, 2xx only; :mod:`.batches`): ``{"id"}`` for a create, and for the
  results (JSONL, streamed or read at once) ``{"id", "results": [(custom_id, model, usage), …],
  "errored"}`` -- the succeeded requests, each billed at the batch rate by the ledger.
- ``lost``: ``send`` raised after the request left (read timeout / error, reset, undecodable body,
  cancellation): no response was read, and whether the API billed it is unknown. ``live`` is then
  judged from the client's transport (an ``HTTPTransport``, or aiohttp), as no response says.
- ``request.attempt``: ``x-stainless-retry-count`` (one record per attempt, retries included);
  ``None`` for raw HTTP calls. ``request.input_estimate`` from ``tokens.estimate_request_tokens``
  (``None`` with ``install(..., estimate_input=False)``, for count_tokens / batches, or when the
  body is not JSON).
"""

from __future__ import annotations

from pytest_tokenbudget.plugin.capture.guard import add_hosts
from pytest_tokenbudget.plugin.capture.observe import CaptureWarning, finish_open
from pytest_tokenbudget.plugin.capture.patch import (
    bypass,
    install,
    installed,
    patched_classes,
    uninstall,
)
from pytest_tokenbudget.plugin.capture.types import (
    CallRecord,
    CallRequest,
    CaptureListener,
)

__all__ = [
    "CallRecord", "CallRequest", "CaptureListener", "CaptureWarning", "add_hosts", "bypass", "finish_open", "install",
    "installed", "patched_classes", "uninstall",
]
