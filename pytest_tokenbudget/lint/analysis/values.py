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

__all__ = ["UNKNOWN", "Unknown", "Text", "OpenDict", "Hole", "is_known", "static_text", "iter_texts",
           "volatile_parts", "is_complete", "common_value"]


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


@dataclass(frozen=True)
class Hole:
    """A dynamic part of a :class:`Text`."""

    volatile: str | None = None
    node: Any = field(default=None, repr=False, compare=False)


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


def is_known(value: Any) -> bool:
    """True unless ``value`` is (or is an) :class:`Unknown`."""
    return not isinstance(value, Unknown)


def is_complete(value: Any) -> bool:
    """True when ``value`` holds no unknown part at any depth (a closed, fully static value)."""
    if isinstance(value, (Unknown, Text, OpenDict)):
        return False
    if isinstance(value, dict):
        return all(is_complete(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_complete(v) for v in value)
    return True


def common_value(a: Any, b: Any) -> Any:
    """What two possible values (``a if c else b``) certainly share: the value itself when equal;
    for two texts, their common leading and trailing text around a hole (a rule reading the
    instructions sees what every branch says, a prefix rule what every branch starts with)."""
    if type(a) is type(b) and not isinstance(a, Unknown) and a == b:
        return a
    if not (isinstance(a, str) and isinstance(b, str)):
        return UNKNOWN
    head = os.path.commonprefix([a, b])
    tail = os.path.commonprefix([a[len(head):][::-1], b[len(head):][::-1]])[::-1]
    return Text.join(head, UNKNOWN, tail)


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
