"""The fake server's knobs: defaults, the fault names, and the settings in effect for one request.

Server attributes (:class:`~pytest_tokenbudget.testing.server.FakeLLMServer`) are overridden per
request by ``x-fake-*`` headers; :class:`Settings` is the merged result the wire formats read.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

FAULTS = frozenset({
    "stream-error", "truncated-json", "sse-cut", "html-502", "reset", "stall", "missing-usage",
    "unknown-model", "bad-usage", "gzip-garbage", "no-final-usage",
})
DEFAULT_TEXT = "the quick brown fox jumps over the lazy dog"
DEFAULT_USAGE = {"input": 17, "output": 7, "cache_read": 0, "cache_write_5m": 0, "cache_write_1h": 0}
USAGE_KEYS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h")
_USAGE_ALIASES = {"input_tokens": "input", "output_tokens": "output", "cache_read_input_tokens": "cache_read",
                  "cache_write": "cache_write_5m"}


class ServerKnobs(Protocol):
    """The server-wide knob values (the attributes of ``FakeLLMServer``)."""

    model: str | None
    text: str
    usage: dict[str, int]
    fail: list[int]
    retry_after_ms: int
    delay_ms: float
    gzip: bool
    fault: str | None
    stall_ms: float
    event_delay_ms: float


def parse_usage(value: Any) -> dict[str, int]:
    """Token counts from a dict, a JSON object or ``input=10,output=5``."""
    if isinstance(value, dict):
        raw = value
    else:
        text = str(value).strip()
        if text.startswith("{"):
            raw = json.loads(text)
        else:
            raw = dict(part.split("=", 1) for part in text.split(",") if part.strip())
    out: dict[str, int] = {}
    for key, v in raw.items():
        key = _USAGE_ALIASES.get(key.strip(), key.strip())
        if key not in USAGE_KEYS:
            raise ValueError(f"unknown usage knob {key!r} (use {', '.join(USAGE_KEYS)})")
        out[key] = int(v)
    return out


class Settings:
    """The knobs in effect for one request: server values overridden by x-fake-* headers."""

    __slots__ = ("model", "text", "usage", "fail", "retry_after_ms", "delay_ms", "gzip", "fault", "stall_ms",
                 "event_delay_ms")

    def __init__(self, server: ServerKnobs, headers: Any) -> None:
        self.model = headers.get("x-fake-model") or server.model
        self.text = headers.get("x-fake-text") or server.text
        usage = dict(DEFAULT_USAGE)
        usage.update(server.usage)
        if headers.get("x-fake-usage"):
            usage.update(parse_usage(headers["x-fake-usage"]))
        self.usage = usage
        fail = headers.get("x-fake-fail")
        self.fail = [int(s) for s in fail.split(",") if s.strip()] if fail is not None else list(server.fail)
        self.retry_after_ms = int(headers.get("x-fake-retry-after-ms") or server.retry_after_ms)
        self.delay_ms = float(headers.get("x-fake-delay-ms") or server.delay_ms)
        g = headers.get("x-fake-gzip")
        self.gzip = server.gzip if g is None else g.lower() not in ("0", "false", "no", "")
        self.fault = headers.get("x-fake-fault") or server.fault
        if self.fault is not None and self.fault not in FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}")
        self.stall_ms = float(headers.get("x-fake-stall-ms") or server.stall_ms)
        self.event_delay_ms = float(headers.get("x-fake-event-delay-ms") or server.event_delay_ms)
