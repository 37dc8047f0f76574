"""The linter's data types: what a call site is, what a rule reports, and what a finding is.

Flow: the extractor (:mod:`.callsites`) yields :class:`CallSite` objects (one per API request a
line of code makes; one per request ``params`` of ``messages.batches.create``); each rule looks at
a call site and yields :class:`Report` objects; the engine turns reports into :class:`Finding`
objects (positions, suppression, selection) that formats print and the cache stores.

``CallSite`` holds libcst nodes, so it lives only inside the process that parsed the file.
``Finding`` / ``Fix`` / ``Edit`` are plain data (JSON round-trip via ``as_json`` / ``from_json``):
they cross process boundaries and are cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, is_known

__all__ = [
    "CallContext",
    "CallSite",
    "ClientInfo",
    "Edit",
    "Finding",
    "Fix",
    "FixSpec",
    "LoopInfo",
    "Range",
    "Report",
    "MISSING",
    "SEVERITIES",
    "fingerprint",
]

SEVERITIES = ("error", "warning", "info")


class _Missing:
    """Marker for "this argument is not in the call" (distinct from an unknown value)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Range:
    """A source range: 1-based lines, 1-based columns (code points), end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class ClientInfo:
    """What the receiver of a call was traced to.

    ``traced`` is False when the receiver could not be followed to a client constructor (a client
    passed in as a parameter, returned by a helper ...): then the call was accepted because of its
    Anthropic-shaped arguments. ``variant`` is the constructor's name (``Anthropic``,
    ``AsyncAnthropicBedrock``, ``OpenAI`` ...) or ``None`` when untraced. ``has_timeout`` is True
    when the constructor (or a ``with_options(...)`` in the call chain) sets ``timeout=``, or when
    it cannot be known (``**kwargs``).
    """

    sdk: str  # "anthropic" | "openai"
    traced: bool
    variant: str | None = None
    is_async: bool | None = None
    has_timeout: bool = False
    local: bool = False  # base_url= at localhost / 127.0.0.1: a test or mock server
    wrapper: str | None = None  # "instructor" (instructor.from_anthropic / patch): response_model= is structured output
    claude_api: bool = False  # an OpenAI SDK client whose base_url is the Claude API
    other_host: bool = False  # OpenAI()/AsyncOpenAI() to api.openai.com (no base_url) or a literal non-Anthropic base_url


@dataclass(frozen=True)
class LoopInfo:
    """One loop (or comprehension) around a call site, innermost last in ``CallContext.loops``.

    ``kind`` is ``"for"``, ``"async for"``, ``"while"`` or ``"comprehension"``. ``feeds_back`` is
    True when something derived from the call's result flows into a name the request reads, inside
    the loop (an agent loop / a growing conversation), so the iterations are not independent.
    """

    kind: str
    node: Any = field(repr=False, compare=False)
    feeds_back: bool = False
    iter_node: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class CallContext:
    """Where a call site sits: the enclosing function/method, class, and loops."""

    function: str | None = None  # "name" or "Class.method"; None at module / class-body level
    is_async_function: bool = False
    class_name: str | None = None
    loops: tuple[LoopInfo, ...] = ()

    @property
    def in_function(self) -> bool:
        return self.function is not None

    @property
    def in_loop(self) -> bool:
        return bool(self.loops)

    @property
    def loop(self) -> LoopInfo | None:
        """The innermost loop, if any."""
        return self.loops[-1] if self.loops else None

    @property
    def repeated(self) -> bool:
        """True when the call can run more than once per process: inside a function or a loop."""
        return self.in_function or self.in_loop


@dataclass(eq=False)
class CallSite:
    """One request to the Messages API (or the OpenAI-compatible chat API) found in a file.

    ``api`` is the method path without the client: ``messages.create``, ``messages.stream``,
    ``messages.parse``, ``messages.count_tokens``, ``beta.messages.create`` ...,
    ``messages.batches.create`` (one CallSite per request's ``params``), or
    ``chat.completions.create``. ``kind`` is its last step: ``create``, ``stream``, ``parse``,
    ``count_tokens`` or ``batch``.

    ``args`` maps each request parameter to its resolved value (see :mod:`.values`): keyword
    arguments and the keys of resolved ``**dicts``. ``open_kwargs`` is True when an unresolved
    ``**kwargs`` (or ``*args``) could supply parameters not listed: "missing" rules stay silent.

    ``node`` is the libcst ``Call``; ``anchor`` is the node a finding about the whole request
    points at (the call, or for batches the request's ``params`` dict). ``arg_nodes`` maps a
    parameter to the expression that wrote it (for findings and fixes about one argument).
    Positions are computed lazily, only when asked for (:meth:`range`).
    """

    api: str
    kind: str
    client: ClientInfo
    args: Mapping[str, Any]
    node: Any = field(repr=False)
    anchor: Any = field(default=None, repr=False)
    arg_nodes: Mapping[str, Any] = field(default_factory=dict, repr=False)
    open_kwargs: bool = False
    is_async: bool = False
    streaming: bool | None = False
    batch: bool = False
    batch_index: int | None = None
    batch_template: bool = False  # params built by a comprehension: one template for many requests
    context: CallContext = field(default_factory=CallContext)
    path: str = ""
    # every value model= can take when it is not one (callers overriding a default, if/elif
    # branches; UNKNOWN for those that cannot be pinned), else None: see analysis.model_sources
    model_choices: tuple[Any, ...] | None = None
    _ranges: Callable[[Any], Range] | None = field(default=None, repr=False)
    scope: Any = field(default=None, repr=False)  # the analysis scope of the call (callers' values)
    at: Any = field(default=None, repr=False)  # its place in the scope, for the assignment that reaches it

    def __post_init__(self) -> None:
        if self.anchor is None:
            self.anchor = self.node

    # ------------------------------------------------------------------ arguments
    @property
    def sdk(self) -> str:
        return self.client.sdk

    def has(self, name: str) -> bool:
        """The argument is written in the call (its value may still be unknown)."""
        return name in self.args

    def may_have(self, name: str) -> bool:
        """The argument is written, or an unresolved ``**kwargs`` could supply it."""
        return name in self.args or self.open_kwargs

    def get(self, name: str, default: Any = MISSING) -> Any:
        """The resolved value, :data:`UNKNOWN` when written but unresolved, ``default`` if absent.

        With ``open_kwargs`` an absent argument is :data:`UNKNOWN` (it may come from ``**``).
        """
        if name in self.args:
            return self.args[name]
        return UNKNOWN if self.open_kwargs else default

    def known(self, name: str) -> Any:
        """The resolved value if fully known at the top level, else ``None``."""
        v = self.get(name, None)
        return v if is_known(v) else None

    @property
    def model(self) -> str | None:
        """The model id as written (a resolved string), else ``None``."""
        v = self.get("model", None)
        return v if isinstance(v, str) else None

    @property
    def max_tokens(self) -> int | None:
        """The resolved output cap (``max_tokens``, or ``max_completion_tokens`` for OpenAI)."""
        for key in ("max_tokens", "max_completion_tokens"):
            v = self.get(key, None)
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        return None

    def max_tokens_node(self) -> Any:
        for key in ("max_tokens", "max_completion_tokens"):
            if key in self.arg_nodes:
                return self.arg_nodes[key]
        return self.anchor

    # ------------------------------------------------------------------ positions
    def range(self, node: Any = None) -> Range:
        """The source range of ``node`` (default: the anchor). Computed on first use per file."""
        if self._ranges is None:
            raise RuntimeError("this CallSite was built without a position source")
        return self._ranges(self.anchor if node is None else node)

    @property
    def line(self) -> int:
        return self.range().line


@dataclass(frozen=True)
class FixSpec:
    """A fix as a rule states it: libcst nodes to replace (``old`` -> ``new``), in-process only.

    ``applicability`` is ``"safe"`` (keeps behaviour) or ``"unsafe"`` (may change behaviour:
    applied only with ``--unsafe-fixes``). The engine turns it into a :class:`Fix` of text edits.
    """

    description: str
    replacements: tuple[tuple[Any, Any], ...]
    applicability: str = "safe"


@dataclass(frozen=True)
class Report:
    """What a rule yields: a message about ``node`` (default: the call site's anchor)."""

    message: str
    node: Any = None
    fix: FixSpec | None = None
    severity: str | None = None  # default: the rule's
    properties: Mapping[str, Any] | None = None  # JSON-able extras (e.g. estimated saving)


@dataclass(frozen=True)
class Edit:
    """Replace the text in [line:column, end_line:end_column) by ``content`` (1-based, exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True)
class Fix:
    """A fix as text edits (serialisable), made by the engine from a :class:`FixSpec`."""

    description: str
    edits: tuple[Edit, ...]
    applicability: str = "safe"

    def as_json(self) -> dict[str, Any]:
        return {"description": self.description, "applicability": self.applicability,
                "edits": [asdict(e) for e in self.edits]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fix:
        return cls(data["description"], tuple(Edit(**e) for e in data["edits"]), data["applicability"])


@dataclass(frozen=True)
class Finding:
    """One reported problem. Lines and columns are 1-based; ``end_column`` is exclusive.

    For notebooks ``cell`` is the 1-based index of the code cell and ``line`` counts within it.
    ``fingerprint`` identifies the finding across edits that move it (code + source line text +
    occurrence), for SARIF ``partialFingerprints``. ``properties`` holds JSON-able extras.
    """

    code: str
    name: str
    severity: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Fix | None = None
    cell: int | None = None
    fingerprint: str = ""
    properties: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape (``tokenbudget lint --format json``)."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "cell": self.cell,
            "message": self.message,
            "fix": self.fix.as_json() if self.fix else None,
            "fingerprint": self.fingerprint,
            "properties": dict(self.properties),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        d = dict(data)
        fix = d.pop("fix", None)
        return cls(**d, fix=Fix.from_json(fix) if fix else None)

    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.line, self.column, self.code)


def fingerprint(code: str, line_text: str, occurrence: int) -> str:
    """A finding's fingerprint: its code and its source line (whitespace collapsed), plus which
    occurrence of that pair in the file it is; stable across edits that move the line."""
    h = hashlib.sha256(f"{code}\0{' '.join(line_text.split())}".encode()).hexdigest()[:16]
    return f"{h}:{occurrence}"
