"""What both shared-ledger stores and the plugin share: the errors, the run id, and the masking of
store URLs (a password never appears in any output). No pytest, no database driver."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.plugin.ledger.shared import SharedLedgerError

__all__ = ["DEFAULT_LEASE_S", "LOST_PREFIX", "POSTGRES_SCHEMES", "StoreError", "StoreLost", "StoreUnavailable",
           "check_run_id", "default_run_id", "is_postgres", "mask_url", "parse_lease", "scrub"]

Counters = dict[str, Decimal]
POSTGRES_SCHEMES = ("postgresql", "postgres")
DEFAULT_LEASE_S = 900.0  # a reservation's lease: longer than any one API call should take
MASK = "***"
LOST_PREFIX = "the connection to the shared budget store"  # how a lost store's message starts

StoreError = SharedLedgerError  # the store could not be read or written (either implementation)


class StoreLost(SharedLedgerError):
    """The connection to the store is gone: the session budget can no longer be enforced."""


class StoreUnavailable(TokenBudgetExceeded):
    """A call refused because the store that holds the session budget cannot be reached.

    A :class:`TokenBudgetExceeded` (so that the SDKs do not retry it) with ``scope="session"`` and
    ``refused=True``: nothing was sent. The run fails too (never "no limit")."""


# ----------------------------------------------------------------------------- URLs
def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(str(url)).scheme.lower() in POSTGRES_SCHEMES


def mask_url(url: str) -> str:
    """``url`` with its password (in the authority or a ``password=`` parameter) replaced by ``***``;
    everything else (host, database, ``sslmode`` ...) kept, so that people can see where it points."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable store URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":" + MASK
        netloc = f"{userinfo}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() == "password" for k, _ in pairs):
            query = urlencode([(k, MASK if k.lower() == "password" else v) for k, v in pairs], safe="/*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _password(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        if parts.password:
            return parts.password
        for k, v in parse_qsl(parts.query, keep_blank_values=True):
            if k.lower() == "password" and v:
                return v
    except ValueError:
        pass
    return None


def scrub(text: str, url: str) -> str:
    """``text`` (an error message, say) with ``url`` masked and its password removed wherever it is."""
    text = text.replace(url, mask_url(url))
    secret = _password(url)
    if secret:
        for form in {secret, quote(secret, safe="")}:
            text = text.replace(form, MASK)
    return text


# ----------------------------------------------------------------------------- leases
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$", re.I)
_UNIT_S = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


def parse_lease(value: str | float) -> float:
    """A reservation lease in seconds from ``900``, ``90s``, ``15m`` or ``1h``; it must be positive
    (and at most a week: a lease holds a dead shard's worst case that long)."""
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"{value!r}: expected seconds (900) or a duration such as 90s, 15m or 1h")
    seconds = float(m[1]) * _UNIT_S[(m[2] or "").lower()]
    if not 0 < seconds <= 7 * 86400:
        raise ValueError(f"{value!r}: a lease must be more than 0 seconds and at most a week")
    return seconds


# ----------------------------------------------------------------------------- runs
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,199}$")


def default_run_id(environ: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """(run id, shared): ``GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT`` when GitHub Actions sets them (every job
    of one workflow run shares it), else a fresh id -- a run nobody else joins."""
    env = os.environ if environ is None else environ
    gh = env.get("GITHUB_RUN_ID", "").strip()
    if gh:
        return f"gh-{gh}-{env.get('GITHUB_RUN_ATTEMPT', '1').strip() or '1'}", True
    return f"local-{uuid.uuid4().hex[:16]}", False


def check_run_id(run_id: str) -> str:
    if not _RUN_ID.match(run_id or ""):
        raise ValueError(f"run id {run_id!r}: use 1-200 letters, digits and . _ : / + - (starting with a "
                         "letter or digit)")
    return run_id
