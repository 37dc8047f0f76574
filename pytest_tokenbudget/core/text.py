"""Small text helpers every layer shares: plural, a plain-text table, "did you mean", secret
redaction and an atomic file write. One of each, so outputs cannot drift apart."""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["REDACTED", "SECRET_PATTERN", "atomic_write", "did_you_mean", "plural", "redact", "table"]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 call``, ``2 calls``, ``1,024 tokens``; ``many`` for irregular plurals."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def table(rows: Sequence[Sequence[str]], *, headers: Sequence[str] | None = None,
          right: Iterable[int] = (), indent: str = "", rule: bool = False) -> list[str]:
    """Columns padded to their widest cell; ``right`` holds the indexes of right-aligned columns.

    With ``headers`` the first line is the header row, followed by a dashed rule when ``rule``.
    Trailing spaces are stripped from each line.
    """
    all_rows = [list(headers)] if headers is not None else []
    all_rows += [list(r) for r in rows]
    if not all_rows:
        return []
    right = set(right)
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(all_rows[0]))]

    def line(cells: Sequence[str]) -> str:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return (indent + "  ".join(padded)).rstrip()

    out = [line(r) for r in all_rows]
    if headers is not None and rule:
        out.insert(1, indent + "  ".join("-" * w for w in widths))
    return out


def did_you_mean(word: str, options: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or ``""`` when none is close."""
    close = difflib.get_close_matches(word, list(options), n=n, cutoff=cutoff)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


# Secrets by shape. Anthropic and OpenAI keys, generic bearer tokens, Google API keys and OAuth
# access tokens, AWS access key ids / secret keys / session tokens, GitHub and Slack tokens, and any
# run of 32+ key characters mixing upper case, lower case and digits.
SECRET_PATTERN = re.compile(
    r"(?i:\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}"
    r"|(?<![A-Za-z0-9_-])(?:"
    r"sk-ant-[A-Za-z0-9_-]{8,}|sk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{16,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|AIza[0-9A-Za-z_-]{30,}|ya29\.[0-9A-Za-z_.-]{16,}"
    r"|(?:ghp|gho|ghs|ghu|github_pat|xox[abpr])_[A-Za-z0-9_]{20,}"
    # generic keys: standard base64 (``+/``) or URL-safe / plain (``-_``), never both: a run mixing
    # ``/`` with ``-`` or ``_`` is a path (``repos/Acme42+claude-bot/agent_loop``), not a key; a
    # base64-shaped run inside a path is told apart by :func:`_unless_path`
    r"|(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/=]{32,}"
    r"|(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_=-]{32,}"
    r")(?![A-Za-z0-9_-])")
REDACTED = "[redacted key]"
_TOKEN_END = re.compile(r"[\s\"'()<>\[\]{},;`]")
_PATH_PART = re.compile(r"[A-Za-z][a-z]{2,}|[\w.+-]+\.[A-Za-z]{1,5}(?::\d+)*")  # a word, a file name


def _unless_path(m: re.Match[str]) -> str:
    """The replacement for a secret-shaped match: the match itself when it is base64-shaped (a ``/``
    or ``+`` in it) and the path it sits in has a plain word or a file name between its slashes
    (``/work/snapshots/Capadonna1982+PokerAssistant/bluff_detector.py:644``); random base64 keys
    almost never do (``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY``)."""
    found, text = m.group(0), m.string
    if not ("/" in found or "+" in found) or found[:6].lower() == "bearer":
        return REDACTED
    start = max((e.end() for e in _TOKEN_END.finditer(text, 0, m.start())), default=0)
    stop = _TOKEN_END.search(text, m.end())
    token = text[start:stop.start() if stop else len(text)]
    if "/" in token and any(_PATH_PART.fullmatch(part) for part in token.split("/")):
        return found
    return REDACTED


def redact(value: Any) -> Any:
    """``value`` with secret-shaped substrings replaced by ``[redacted key]``: strings, and strings
    inside lists, tuples and dict values (keys too when they are strings); anything else unchanged."""
    if isinstance(value, str):
        return SECRET_PATTERN.sub(_unless_path, value) if len(value) >= 16 else value
    if isinstance(value, (list, tuple)):
        return type(value)(redact(v) for v in value)
    if isinstance(value, dict):
        return {redact(k): redact(v) for k, v in value.items()}
    return value


def atomic_write(path: Path | str, data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the new one, never half of one
    (a temporary file in the same folder, then ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode(encoding) if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
