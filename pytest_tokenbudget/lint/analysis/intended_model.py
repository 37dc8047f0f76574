"""The model an unknown id was meant to name, read from its family and version.

``claude-opus-4-20250805`` is no Claude API id (TB303 reports that), but nobody reading it doubts
which line it names: Opus 4, a premium model; ``claude-haiku-4-5-20250929`` means Haiku 4.5 with a
made-up snapshot date. Rules about *what the code means to run* (a premium model on a one-line
label, TB301; a cache breakpoint below the meant model's minimum, TB102) read the tier and the
minimum off that model: :func:`intended_model` drops the snapshot date and looks the rest up. It
never guesses beyond that: an id whose undated form is unknown too (``claude-haiku-4-20250414``)
stays unknown, and a known id is its own row (this helper answers None for it).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["intended_model"]

_SNAPSHOT = re.compile(r"-\d{8}$")


def intended_model(catalog: Any, model: Any) -> Any:
    """The catalog row an unknown dated id names without its date (None: known, not a str, or no row)."""
    if not isinstance(model, str) or not _SNAPSHOT.search(model) or catalog.find(model) is not None:
        return None
    return catalog.find(_SNAPSHOT.sub("", model))
