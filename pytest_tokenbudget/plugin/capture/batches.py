"""Message Batches on the wire: the create response (its batch id) and the results (JSONL).

A batch is billed when it runs, not when it is created: each *succeeded* request of its results
carries its own ``model`` and ``usage`` (priced at the batch rate by the ledger). The results
body is JSON Lines (one ``{"custom_id", "result": {"type", "message"}}`` per request), read at
once or streamed in chunks cut anywhere. :class:`BatchReader` gives the ledger
``batch = {"id": …, "results": [(custom_id, model, usage), …], "errored": n}`` (results), or
``{"id": …, "requests": n}`` (create).
"""

from __future__ import annotations

import json
from typing import Any

from pytest_tokenbudget.plugin.capture.endpoints import batch_id_of
from pytest_tokenbudget.plugin.capture.parse import StreamReader, describe_error, strip_none

__all__ = ["BatchReader", "batch_reader"]

_MAX_CREATE_BODY = 4 * 1024 * 1024


class BatchReader(StreamReader):
    """Reads a batch create response (JSON) or a batch results body (JSONL), chunk by chunk."""

    __slots__ = ("batch", "_buf", "_size")

    def __init__(self, api: str, endpoint: str, url: str) -> None:
        super().__init__(api, endpoint)
        self.batch: dict[str, Any] = {"id": batch_id_of(url)} if endpoint == "batch_results" else {}
        if endpoint == "batch_results":
            self.batch.update(results=[], errored=0)
        self._buf = b""
        self._size = 0

    def feed(self, data: bytes) -> None:
        if self.endpoint != "batch_results":
            self._size += len(data)
            if self._size <= _MAX_CREATE_BODY:
                self._buf += data
            return
        buf = self._buf + data
        if b"\n" not in buf:
            self._buf = buf
            return
        *lines, self._buf = buf.split(b"\n")
        for line in lines:
            self._line(line)

    def _line(self, line: bytes) -> None:
        line = line.strip()
        if not line:
            return
        self.events += 1
        obj = json.loads(line)
        result = obj.get("result") if isinstance(obj, dict) else None
        if not isinstance(result, dict):
            raise ValueError("a batch result line without a result")
        message = result.get("message")
        if result.get("type") == "succeeded" and isinstance(message, dict):
            usage = message.get("usage")
            model = message.get("model")
            self.batch["results"].append((obj.get("custom_id"), model if isinstance(model, str) else None,
                                          strip_none(usage) if isinstance(usage, dict) else None))
        elif result.get("type") == "errored":
            self.batch["errored"] += 1

    def eof(self, status: int) -> None:
        if self.endpoint == "batch_results":
            if self._buf.strip():
                self._line(self._buf)
            self._buf = b""
            self.complete = True
            return
        try:
            obj = json.loads(self._buf or b"null")
        except ValueError as exc:
            self.error = f"unparseable batch response: {type(exc).__name__}"
            return
        self._buf = b""
        if isinstance(obj, dict):
            self.error = describe_error(obj)
            if isinstance(obj.get("id"), str):
                self.batch["id"] = obj["id"]
            self.complete = self.error is None


def batch_reader(request: Any, status: int) -> BatchReader | None:
    """The reader of a 2xx batch response, or None (not a batch endpoint, or an error status)."""
    if request.endpoint not in ("batches", "batch_results") or not 200 <= status < 300:
        return None
    return BatchReader(request.api, request.endpoint, request.url)
