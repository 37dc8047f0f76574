"""What the linter knows about an argument's value: a Python value, partly known text, or unknown.

The resolver (:mod:`.resolve`) turns an expression into one of these:

* a plain Python value (``str``, ``int``, ``float``, ``bool``, ``None``, ``list``, ``dict``)
  when it is fully known. Containers may hold :class:`Unknown` items: a list element that is
  ``*something`` becomes one ``Unknown`` item standing for "zero or more unknown items";
* :class:`Text` for a string with static parts and dynamic holes (f-strings, ``.format`` with
  unknown arguments, ``"..." + name``);
* :class:`OpenDict`, a dict that may hold more keys than the ones listed (``{**x, "k": v}`` with
  an unresolved ``x``);
* :data:`UNKNOWN` (or another :class:`Unknown`) when nothing can be said. An ``Unknown`` may carry
  ``volatile``: the value changes on every call (``datetime.now()``, ``uuid4()`` ...).

Rules must treat anything unknown as "could be anything": value rules stay silent.
"""

from __future__ import annotations

from collections.abc import Iterator
import os
from dataclasses import dataclass, field
from typing import Any

__all__ = ["UNKNOWN", "Unknown", "DAILY", "DAY_TEXT", "Daily", "Alternatives", "Text", "OpenDict", "OpenList",
           "DataRows", "Hole", "data_rows", "is_known", "static_text", "iter_texts",
           "volatile_parts", "is_complete", "common_value", "choice",
           "any_entry", "dict_get", "mapping_get", "NOT_A_MAPPING", "setting_fallback", "sliced", "unpacked",
           "enum_value", "container_text"]

MAX_OPTIONS = 16  # more candidate texts than this: a plain hole


@dataclass(frozen=True, eq=False)
class Unknown:
    """A value the linter cannot resolve. ``volatile`` names why it changes on every call, if so.

    ``node`` is the libcst expression it came from (for positions), when there is one.
    """

    volatile: str | None = None
    node: Any = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Unknown(volatile={self.volatile!r})" if self.volatile else "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True, eq=False)
class Daily(Unknown):
    """Today's date (``date.today()``, ``now.strftime("%Y-%m-%d")``): the same on every call of a
    day, so a prompt holding it still caches all day. Joined into a text as :data:`DAY_TEXT`, a
    date-sized stand-in, so the rules read the text around it as one static prefix."""


DAILY = Daily()
DAY_TEXT = "2026-01-01"


@dataclass(frozen=True, eq=False)
class Alternatives(Unknown):
    """The unknown tail of a list picked between known lists (``TOOLS_STRICT if strict else TOOLS``:
    the tools after those both start with), one of ``options``. Every rule sees an unknown; the
    caching rule's lower bound may count the smallest option (:func:`.prompt.static_prefix`), as
    it counts the smallest of several static texts."""

    options: tuple[tuple[Any, ...], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Hole:
    """A dynamic part of a :class:`Text`. ``options``, when not empty, are the texts the hole can
    stand for (one of several static prompts picked by a key, a branch or a setting): sizing rules
    take their smallest (a lower bound) or largest (an upper bound); every other rule sees a hole.
    ``most``, when set, bounds the hole's size in tokens (a label field such as a theme or a tone:
    :mod:`.short_fields`): an upper bound only, for the rules that must show a prompt is short."""

    volatile: str | None = None
    node: Any = field(default=None, repr=False, compare=False)
    options: tuple[Any, ...] = field(default=(), repr=False)
    most: int | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Text:
    """A string whose static parts are known and whose holes are not."""

    parts: tuple[str | Hole, ...]

    @property
    def static(self) -> str:
        """The static parts joined (holes dropped)."""
        return "".join(p for p in self.parts if isinstance(p, str))

    @property
    def holes(self) -> tuple[Hole, ...]:
        return tuple(p for p in self.parts if isinstance(p, Hole))

    @staticmethod
    def join(*items: Any) -> str | Text:
        """Concatenate strings, Texts and unknowns into the simplest value (a str when all known)."""
        parts: list[str | Hole] = []
        for it in items:
            if isinstance(it, str):
                parts.append(it)
            elif isinstance(it, Text):
                parts.extend(it.parts)
            elif isinstance(it, Daily):
                parts.append(DAY_TEXT)
            elif isinstance(it, Unknown):
                parts.append(Hole(it.volatile, it.node))
            else:
                parts.append(Hole())
        merged: list[str | Hole] = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            elif p != "":
                merged.append(p)
        if all(isinstance(p, str) for p in merged):
            return "".join(merged)  # type: ignore[arg-type]
        return Text(tuple(merged))


class OpenDict(dict):
    """A dict that may contain keys besides the ones it lists (an unresolved ``**`` went into it)."""

    open = True


class OpenList(list):
    """A list that may hold more items than it lists: a ``*`` of something unresolved went into it
    (``[*found]``, or appends a loop or a branch makes: :mod:`..filled_lists`). Its length is a lower
    bound, so it is never a handful written out (three scraped pages of jobs are not three jobs)."""


class DataRows(list):
    """The list a data file holds (``dataset.json``): a dataset, however few rows it has today. A
    loop over three cases written out in the code is a demonstration; over the three rows of a
    file that the project's eval reads, it is the eval (the file grows, the code stays)."""


def data_rows(value: Any) -> Any:
    """``value`` read from a data file: a top-level list becomes :class:`DataRows`."""
    return DataRows(value) if type(value) is list else value


def is_known(value: Any) -> bool:
    """True unless ``value`` is (or is an) :class:`Unknown`."""
    return not isinstance(value, Unknown)


def is_complete(value: Any) -> bool:
    """True when ``value`` holds no unknown part at any depth (a closed, fully static value)."""
    if isinstance(value, (Unknown, Text, OpenDict, OpenList)):
        return False
    if isinstance(value, dict):
        return all(is_complete(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_complete(v) for v in value)
    return True


def common_value(a: Any, b: Any) -> Any:
    """What two possible values (``a if c else b``) certainly share: the value itself when equal;
    for two texts, their common leading and trailing text around a hole (a rule reading the
    instructions sees what every branch says, a prefix rule what every branch starts with); for two
    lists, the items both start with and an unknown tail that is one of their differing tails."""
    if type(a) is type(b) and not isinstance(a, Unknown) and a == b:
        return a
    if type(a) is list and type(b) is list:  # TOOLS_STRICT if strict else TOOLS: the items both start with
        n = next((i for i, (x, y) in enumerate(zip(a, b)) if type(x) is not type(y) or x != y), min(len(a), len(b)))
        return [*a[:n], Alternatives(options=(tuple(a[n:]), tuple(b[n:])))] if n else UNKNOWN
    if not (isinstance(a, str) and isinstance(b, str)):
        return UNKNOWN
    return choice([a, b])


def _lead(value: str | Text) -> str:
    if isinstance(value, str):
        return value
    return value.parts[0] if value.parts and isinstance(value.parts[0], str) else ""


def _after(value: str | Text, n: int) -> Any:
    """``value`` without its first ``n`` characters (all within its leading static text)."""
    if isinstance(value, str):
        return value[n:]
    if value.parts and isinstance(value.parts[0], str):
        return Text.join(value.parts[0][n:], Text(value.parts[1:]))
    return value


def choice(values: list[Any]) -> Any:
    """One of ``values`` (a dict read with an unknown key, a function with several returns, both
    branches of ``a if c else b``): the value itself when they are all equal; for texts, their common
    leading and trailing static text around one hole whose ``options`` are the differing middles (so
    every rule sees what every candidate says, and the caching rules can bound each candidate's size);
    for content blocks with the same keys (an image or a document block), the choice of each key's
    values (not for records: a registry's entries stay for .model_registry to read); else UNKNOWN."""
    values = [one for v in values for one in spelled_out(v)]  # a choice among choices: one of them all
    if not values or any(isinstance(v, Unknown) for v in values):
        return UNKNOWN
    if all(type(v) is type(values[0]) and v == values[0] for v in values[1:]):
        return values[0]
    if all(type(v) is dict and v.keys() == values[0].keys() and isinstance(v.get("type"), str) for v in values):
        return {k: choice([v[k] for v in values]) for k in values[0]}  # content blocks of one shape: key by key
    if not all(isinstance(v, (str, Text)) for v in values):
        return UNKNOWN
    head = os.path.commonprefix([_lead(v) for v in values])
    rest = [_after(v, len(head)) for v in values]
    tail = ""
    if all(isinstance(v, str) for v in rest):
        tail = os.path.commonprefix([v[::-1] for v in rest])[::-1]  # type: ignore[index]
        rest = [v[: len(v) - len(tail)] for v in rest]  # type: ignore[index,arg-type]
    unique = tuple(dict.fromkeys(rest))
    hole = Hole(options=unique if len(unique) <= MAX_OPTIONS else ())
    return Text.join(head, Text((hole,)), tail)


def sliced(base: Any, bounds: list[Any]) -> Any:
    """``base[lower:upper:step]`` for a known list, tuple or string and whole-number bounds (None for
    a bound left out); UNKNOWN otherwise (``TOOLS[:3] + [STRICT_TOOL]`` is a known tool list)."""
    if not isinstance(base, (list, tuple, str)) or not all(b is None or type(b) is int for b in bounds):
        return UNKNOWN
    try:
        return base[slice(*bounds)]
    except ValueError:  # a zero step
        return UNKNOWN


def spelled_out(value: Any) -> list[Any]:
    """The whole strings a :func:`choice` of strings stands for (``claude-3-{5,7}-sonnet`` ->
    both ids), else ``[value]``: a model rule judges each candidate id, not their common parts."""
    if not isinstance(value, Text) or len(value.holes) != 1 or not value.holes[0].options \
            or not all(isinstance(o, str) for o in value.holes[0].options):
        return [value]
    at = next(i for i, p in enumerate(value.parts) if isinstance(p, Hole))
    head, tail = "".join(value.parts[:at]), "".join(value.parts[at + 1:])  # type: ignore[arg-type]
    return [head + o + tail for o in value.holes[0].options]


def any_entry(base: Any, key: Any, default: list[Any] | tuple[Any, ...] = ()) -> Any:
    """``base[key]`` (``base.get(key, default)``) for a key that is not known: one of the dict's
    values, or the default (see :func:`choice`); UNKNOWN for an open dict or a known key."""
    if isinstance(base, dict) and not isinstance(base, OpenDict) and isinstance(key, (Unknown, Text)) and base:
        return choice([*base.values(), *(d for d in default if d not in base.values())])
    return UNKNOWN


def dict_get(base: dict, args: list[Any]) -> Any:
    """``base.get(*args)``: the entry of a known key (UNKNOWN when absent: the dict may have been
    filled elsewhere), any entry or the default for an unknown key."""
    key = args[0] if args else UNKNOWN
    if isinstance(key, (str, int)):
        return base[key] if key in base else UNKNOWN
    return any_entry(base, key, args[1:2] if len(args) == 2 else [None])


NOT_A_MAPPING = object()  # what :func:`mapping_get` gives for a ``.get`` it cannot read


def mapping_get(base: Any, args: list[Any]) -> Any:
    """``base.get(*args)``: a known dict's entry (:func:`dict_get`), or a run-time model setting's
    fallback (:func:`setting_fallback`); :data:`NOT_A_MAPPING` otherwise."""
    if isinstance(base, dict):
        return dict_get(base, args)
    fallback = setting_fallback(*args) if base is UNKNOWN and len(args) == 2 else None
    return NOT_A_MAPPING if fallback is None else fallback


def setting_fallback(key: Any, default: Any) -> Any:
    """``settings.get("CLAUDE_MODEL", "claude-...")`` on a mapping only known at run time (a config
    file's dict, ``app.config``, a request body): the model it falls back to, judged like an
    ``os.getenv`` default; None for any other key or default (only a model setting is read this
    way: a prompt or a size read from a cache or a response is no setting)."""
    if isinstance(key, str) and "model" in key.lower() and isinstance(default, str) and default.strip():
        return default
    return None


def enum_value(attr: str, of_attribute: bool, base: Any) -> bool:
    """``Model.SONNET.value`` (``attr`` "value" of an attribute, ``of_attribute``) whose ``Model.SONNET``
    is a text or a number: a text has no ``.value``, so ``Model`` is an Enum and this is its member's
    own value (``base``)."""
    return attr == "value" and of_attribute and isinstance(base, (str, int)) and not isinstance(base, bool)


def static_text(value: Any) -> str:
    """The static text of a string-like value ('' for unknowns)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Text):
        return value.static
    return ""


def iter_texts(value: Any, *, skip_keys: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every static string a model would read inside ``value`` (dict keys of schemas included)."""
    if isinstance(value, (str, Text)):
        yield static_text(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k in skip_keys:
                continue
            if k in ("input_schema", "parameters", "schema"):
                yield str(k)
            yield from iter_texts(v, skip_keys=skip_keys)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from iter_texts(v, skip_keys=skip_keys)


def volatile_parts(value: Any) -> Iterator[Unknown | Hole]:
    """Every volatile unknown or hole inside ``value`` (for TB104)."""
    if isinstance(value, Unknown):
        if value.volatile:
            yield value
    elif isinstance(value, Text):
        for h in value.holes:
            if h.volatile:
                yield h
    elif isinstance(value, dict):
        for v in value.values():
            yield from volatile_parts(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from volatile_parts(v)


def first_volatile(v: Any) -> str | None:
    """The first per-call value (time, uuid, random ...) inside ``v``, or None."""
    for part in volatile_parts(v):
        return part.volatile
    return None


def unpacked(value: Any, index: tuple[int, int] | None) -> Any:
    """``value`` itself (``index`` None), or its item ``index[0]`` when unpacked into ``index[1]``
    names (``system, user = build(x)``): the value must then be a sequence of exactly that length
    (else the items cannot be told apart: unknown)."""
    if index is None:
        return value
    if not isinstance(value, (list, tuple)) or len(value) != index[1]:
        return UNKNOWN
    return value[index[0]]


def loop_ids(items: Any) -> Any:
    """What ``m`` holds in ``for m in ["claude-a", "claude-b"]`` (a fallback chain of model ids): one
    of them; in ``for level in ["C"]`` (a list cut down to one text), that text. A loop over anything
    else (documents, labels) stays unknown: each pass sends another."""
    if isinstance(items, (list, tuple)) and len(items) == 1 and isinstance(items[0], (str, Text)):
        return items[0]
    if isinstance(items, (list, tuple)) and 0 < len(items) <= MAX_OPTIONS and all(
            isinstance(v, str) and "claude" in v.lower() and not any(c.isspace() for c in v) for v in items):
        return choice(list(items))
    return UNKNOWN


_SCALARS = (str, int, float, bool, type(None))


def container_text(value: Any) -> str | None:
    """``str(value)`` of a dict or list whose every key and item is known (a schema or a list of
    labels interpolated into a prompt: ``f"Reply in this format: {SCHEMA}"``), else None. A tuple
    resolves to a list, so it shows in brackets: the same length as Python's parentheses."""
    def plain(v: Any, level: int) -> bool:
        if isinstance(v, _SCALARS):
            return True
        if level > 8 or isinstance(v, OpenDict) or not isinstance(v, (dict, list)):
            return False
        items = v.items() if isinstance(v, dict) else enumerate(v)
        return all(plain(k, level + 1) and plain(i, level + 1) for k, i in items)

    if not isinstance(value, (dict, list)) or not plain(value, 0):
        return None
    return str(value)
