"""Model id spellings: from what users write to the forms the catalog indexes.

Users' code names one model many ways: the Claude API id (``claude-3-5-sonnet-20241022``), its
aliases (``claude-3-5-sonnet-latest``), gateway names with dots (``claude-sonnet-4.5``), provider
prefixes (``anthropic/``), Bedrock ids (``us.anthropic.claude-sonnet-4-5-20250929-v1:0``,
``anthropic.claude-v2:1``), Vertex ids (``claude-3-5-sonnet-v2@20241022``, ``…@default``), the
SDK's ``claude-4-opus-20250514`` order and Claude Code's ``[1m]`` suffix.

:func:`canonical` folds the differences that never change which model is meant (case, dots
between digits, the order of family and version, Vertex's ``-v2`` snapshot marker); the catalog
indexes every row id and alias by it. :func:`id_candidates` lists the forms a raw spelling may
mean, most specific first: a Bedrock version suffix is only dropped when the spelling without it
is not itself a known id (``claude-v2:1`` is Claude 2.1, not "claude"). Nothing here guesses a
date: an id with an unknown snapshot date stays unknown.
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "REGIONAL_BEDROCK_PREFIXES",
    "bedrock_prefix",
    "canonical",
    "family_hint",
    "id_candidates",
    "normalise_model_id",
]

# Bedrock cross-region inference profiles. ``global.`` routes anywhere at the global price; the
# geographic ones keep data in a region and cost more on Claude 4.5 and later.
REGIONAL_BEDROCK_PREFIXES = ("us", "eu", "jp", "au", "apac", "ca", "in", "us-gov")
_BEDROCK = re.compile(r"^(?:(?P<geo>global|us-gov|us|eu|jp|au|apac|ca|in)\.)?anthropic\.")
_BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)?$")
_DOTTED = re.compile(r"(?<=\d)\.(?=\d)")
_BRACKET = re.compile(r"\[[^\]]*\]$")
_VERTEX_SNAPSHOT = re.compile(r"-v\d+(?=-\d{8}$)")
_DATE = re.compile(r"-\d{8}$")
# claude-4-opus-20250514 / claude-4-5-sonnet / claude-sonnet-3-7 / claude-haiku-3-5-20241022
_VERSION_FIRST = re.compile(r"^claude-(?P<v>\d+(?:-\d)?)-(?P<f>opus|sonnet|haiku)(?P<rest>(?:-.*)?)$")
_FAMILY_FIRST = re.compile(r"^claude-(?P<f>opus|sonnet|haiku)-(?P<v>\d+(?:-\d)?)(?P<rest>(?:-\d{8}|-latest)?)$")
_FAMILIES = ("opus", "sonnet", "haiku", "fable", "mythos", "instant")


def _strip_wrappers(raw: str) -> tuple[str, str | None]:
    """(the id without ARN / provider / Bedrock prefixes and Claude Code brackets, Bedrock geo)."""
    s = raw.strip().lower()
    if s.startswith("arn:"):
        s = s.rsplit("/", 1)[-1]
    if "/" in s:
        s = s.rsplit("/", 1)[-1]
    s = _BRACKET.sub("", s)
    geo = None
    m = _BEDROCK.match(s)
    if m:
        geo = m.group("geo") or "base"
        s = s[m.end():]
    return s, geo


def _vertex(s: str) -> str:
    """``claude-x@20250929`` -> ``claude-x-20250929``; ``@default`` / ``@latest`` name the base id."""
    if "@" not in s:
        return s
    base, _, version = s.partition("@")
    if version in ("", "default", "latest"):
        return base
    return f"{base}-{version}"


def _reorder(s: str) -> str:
    """One order per generation: family first from Claude 4 on, version first before it."""
    m = _VERSION_FIRST.match(s)
    if m and int(m.group("v").split("-")[0]) >= 4:
        return f"claude-{m.group('f')}-{m.group('v')}{m.group('rest')}"
    m = _FAMILY_FIRST.match(s)
    if m and int(m.group("v").split("-")[0]) < 4:
        return f"claude-{m.group('v')}-{m.group('f')}{m.group('rest')}"
    return s


@functools.lru_cache(maxsize=4096)
def canonical(name: str) -> str:
    """The index form of an id or alias: lower case, dashes for dots between digits, one
    family/version order, no Vertex ``-v2`` snapshot marker. Bedrock ``:N`` suffixes are kept."""
    s = _vertex(name.strip().lower())
    s = _DOTTED.sub("-", s)
    s = _VERTEX_SNAPSHOT.sub("", s)
    return _reorder(s)


def _forms(raw: str) -> tuple[str, str | None]:
    """(the canonical spelling, the same without its Bedrock ``-vN[:M]`` suffix or None)."""
    s, _ = _strip_wrappers(raw)
    s = _vertex(s)
    short = _BEDROCK_VERSION.sub("", s)
    # "claude-v2:1" and "claude-instant-v1" are whole ids: without the suffix no version is left.
    keep = short != s and re.search(r"\d", short) is not None
    return canonical(s), canonical(short) if keep else None


@functools.lru_cache(maxsize=4096)
def id_candidates(raw: str) -> tuple[str, ...]:
    """The canonical forms ``raw`` may stand for, most specific first (see the module doc)."""
    full, short = _forms(raw)
    out = [full] if short is None else [full, short]
    out += [f.removesuffix("-latest") for f in out if f.endswith("-latest")]
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=1024)
def normalise_model_id(raw: str) -> str:
    """The canonical id ``raw`` most likely names, without a catalog: wrappers stripped, and the
    Bedrock version suffix dropped when a version is left without it."""
    full, short = _forms(raw)
    return short if short is not None else full


def bedrock_prefix(raw: str) -> str | None:
    """The Bedrock inference-profile prefix of ``raw`` (``"us"``, ``"global"`` …), ``"base"`` for
    a bare ``anthropic.`` id, ``None`` when ``raw`` is not a Bedrock id."""
    return _strip_wrappers(raw)[1]


def family_hint(raw: str) -> str | None:
    """The model family a spelling names (``opus``, ``sonnet`` … ``instant``, ``claude`` for the
    1.x / 2.x line), for suggestions that stay within the family."""
    s = canonical(_strip_wrappers(raw)[0])
    for fam in _FAMILIES:
        if re.search(rf"(?:^|[-.]){fam}(?:[-.@]|$)", s):
            return fam
    if re.match(r"^claude-(?:v?[12])(?:[-.:]|$)", s):
        return "claude"
    return None
