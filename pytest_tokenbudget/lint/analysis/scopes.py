"""The scope model of one module: bindings per scope, imports, client and class references, and
Python's name lookup over them (:mod:`.bindings` fills it in one libcst pass)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

__all__ = ["ANTHROPIC_CLIENTS", "OPENAI_CLIENTS", "Binding", "ClassRef", "ClientRef", "ImportRef", "Position", "Scope",
           "method_scope", "client_class", "iter_name_refs", "lookup", "INSTRUCTOR_WRAPPERS", "base_url_has", "points_local",
           "host_flags", "names_other_host", "foreign_host",
           "merged_value", "factory_client", "single_return", "function_scope"]

ANTHROPIC_CLIENTS = frozenset({
    "Anthropic", "AsyncAnthropic", "AnthropicBedrock", "AsyncAnthropicBedrock", "AnthropicVertex",
    "AsyncAnthropicVertex", "AnthropicFoundry", "AsyncAnthropicFoundry", "AnthropicAWS", "AsyncAnthropicAWS",
    "AnthropicGoogleCloud", "AsyncAnthropicGoogleCloud", "AnthropicBedrockMantle", "AsyncAnthropicBedrockMantle",
    "Client", "AsyncClient",
})

OPENAI_CLIENTS = frozenset({
    "OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI", "BedrockOpenAI", "AsyncBedrockOpenAI",
    "Client", "AsyncClient",
})


@dataclass(frozen=True)
class ImportRef:
    """An imported module or object, by qualified name (``anthropic.Anthropic``, ``textwrap.dedent``)."""

    qualname: str

    def attr(self, name: str) -> ImportRef:
        return ImportRef(f"{self.qualname}.{name}")

    @property
    def root(self) -> str:
        return self.qualname.split(".", 1)[0]

    @property
    def last(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

def entered(value: Any) -> Any:
    """What ``with X as f`` binds ``f`` to, from ``X``'s value: the SDK client or the open file it is
    (``Anthropic()``, ``open(path)``: their ``__enter__`` returns themselves); anything else unknown."""
    from pytest_tokenbudget.lint.analysis.values import UNKNOWN

    return value if isinstance(value, ClientRef) or type(value).__name__ == "Handle" else UNKNOWN


@dataclass(frozen=True)
class ClientRef:
    """An instance of an Anthropic or OpenAI SDK client."""

    sdk: str
    variant: str
    is_async: bool
    has_timeout: bool = False
    local: bool = False  # base_url= points at localhost / 127.0.0.1 (a test or mock server)
    wrapper: str | None = None  # "instructor": patched by instructor.from_anthropic / patch (response_model=)
    claude_api: bool = False  # an OpenAI client whose base_url is the Claude API (api.anthropic.com)
    other_host: bool = False  # OpenAI()/AsyncOpenAI() sending to api.openai.com or a literal non-Anthropic base_url
    reseller: bool = False  # base_url= openrouter.ai: OpenRouter's API and bill (its slugs, no Batch API), not Claude's

@dataclass(frozen=True, eq=False)
class ClassRef:
    """A class defined in this file (for ``Class.ATTR`` lookups)."""

    scope: Scope

def client_class(ref: ImportRef) -> tuple[str, str] | None:
    """(sdk, class name) when ``ref`` names an SDK client class."""
    if ref.root == "anthropic" and ref.last in ANTHROPIC_CLIENTS:
        return "anthropic", ref.last
    if ref.root == "openai" and ref.last in OPENAI_CLIENTS:
        return "openai", ref.last
    return None

@dataclass(frozen=True)
class Position:
    """A statement's place in source order: its visit order, the blocks that enclose it (ids of
    libcst ``IndentedBlock`` nodes, outermost first) and the loops around it (ids of their nodes)."""

    order: int
    blocks: tuple[int, ...]
    loops: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class Binding:
    """One way a name gets a value in a scope.

    kind: ``assign`` (node = the value expression), ``aug`` (``+=``, node = the value),
    ``import`` (ref = ImportRef), ``param`` (node = the libcst Param), ``def`` (function),
    ``class`` (scope = its ClassScope), ``with`` (node = the context manager expression),
    ``item`` (``system, user = build(x)``: node = the unpacked value, index = (position, count)),
    ``loop`` (``for m in items``: node = the iterable), ``other`` (other loop targets, starred
    unpacking, except, walrus ...: unknown).
    """

    kind: str
    node: Any = None
    ref: ImportRef | None = None
    scope: Scope | None = None
    index: tuple[int, int] | None = None
    missing_file: bool = False  # made in an ``except FileNotFoundError`` (OSError, ImportError) handler: a fallback
    if_unset: bool = False  # ``if x is None: x = D`` (or ``== None``, ``not x``): the value when x is unset
    at: Position | None = None  # where the binding stands, for the one that reaches a request (.reaching)

@dataclass(eq=False)
class Scope:
    """A module, class, function, lambda or comprehension scope."""

    kind: str
    parent: Scope | None
    name: str = ""
    node: Any = None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    mutated: dict[str, set[str]] = field(default_factory=dict)  # name -> {"append", "setitem", ...}
    globals_: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    # class scopes: attributes assigned as ``self.x = ...`` in its methods
    self_attrs: dict[str, list[Binding]] = field(default_factory=dict)
    # function scopes: the class a method belongs to, and its ``self`` parameter name
    owner_class: Scope | None = None
    self_name: str | None = None
    is_async: bool = False

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def module(self) -> Scope:
        s = self
        while s.parent is not None:
            s = s.parent
        return s

    def qualname(self) -> str | None:
        """``func`` / ``Class.method`` for function scopes (innermost function), else None."""
        s: Scope | None = self
        while s is not None and s.kind not in ("function", "lambda"):
            s = s.parent
        if s is None:
            return None
        names = []
        t: Scope | None = s
        while t is not None and t.kind != "module":
            if t.kind in ("function", "class", "lambda"):
                names.append(t.name)
            t = t.parent
        return ".".join(reversed(names))

def lookup(name: str, scope: Scope) -> tuple[Scope, list[Binding]] | None:
    """LEGB lookup (class bodies are skipped from inner functions, as in Python)."""
    s: Scope | None = scope
    first = True
    while s is not None:
        if name in s.globals_:
            s = s.module()
            first = False
            continue
        if (first or s.kind != "class") and name in s.bindings and name not in s.nonlocals:
            return s, s.bindings[name]
        first = False
        s = s.parent
    return None

def iter_name_refs(node: Any) -> Iterator[str]:
    """Every ``Name`` read inside an expression (for loop feed-back analysis): not a keyword's name
    (``.format(response=text)``) nor an attribute's (``row.response``)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Name):
            yield n.value
        elif isinstance(n, cst.Arg):
            stack.append(n.value)
        elif isinstance(n, cst.Attribute):
            stack.append(n.value)
        elif isinstance(n, cst.CSTNode):
            stack.extend(n.children)


INSTRUCTOR_WRAPPERS = frozenset({"instructor.from_anthropic", "instructor.from_openai", "instructor.patch",
                                  "instructor.apatch", "instructor.from_provider_client"})


def base_url_has(node: cst.Call, host: str) -> bool:
    return any(a.keyword is not None and a.keyword.value == "base_url" and isinstance(a.value, cst.SimpleString)
               and host in a.value.value for a in node.args)


def host_flags(node: cst.Call) -> dict[str, bool]:
    """The :class:`ClientRef` flags a literal ``base_url`` of the client's construction sets."""
    return {"claude_api": base_url_has(node, "api.anthropic.com"), "reseller": base_url_has(node, "openrouter.ai")}


def names_other_host(variant: str, node: cst.Call) -> bool:
    """``OpenAI()`` / ``AsyncOpenAI()`` sending to a known host other than the Claude API: no
    ``base_url`` (api.openai.com) or a literal one elsewhere (openrouter.ai, a proxy). A ``base_url``
    read from a setting, or ``**options``, could be anything: False."""
    if variant not in ("OpenAI", "AsyncOpenAI") or any(a.star == "**" for a in node.args):
        return False
    urls = [a.value for a in node.args if a.keyword is not None and a.keyword.value == "base_url"]
    if not urls:
        return True
    return isinstance(urls[0], cst.SimpleString) and "anthropic.com" not in urls[0].value


# providers that serve their own models behind an Anthropic-compatible endpoint (not Claude)
_NOT_CLAUDE_HOSTS = re.compile(r"deepseek\.com|moonshot\.(?:cn|ai)|minimaxi?\.(?:com|io|chat)|bigmodel\.cn|"
                               r"(?:^|[/.])z\.ai\b|dashscope|aliyuncs\.com|volces\.com|siliconflow", re.I)


def foreign_host(sdk: str, base_urls: list[Any]) -> bool:
    """``anthropic.Anthropic(base_url=...)`` resolved to another provider's Anthropic-compatible
    endpoint (DeepSeek, Kimi, MiniMax, GLM ...): its calls run that provider's models, not Claude.
    A gateway or a URL read at run time may well reach Claude: False."""
    return sdk == "anthropic" and any(isinstance(u, str) and _NOT_CLAUDE_HOSTS.search(u) for u in base_urls)


def points_local(node: cst.Call) -> bool:
    """``base_url=`` is a literal on this machine (a fake or mock server: test code)."""
    for a in node.args:
        if a.keyword is not None and a.keyword.value == "base_url" and isinstance(a.value, cst.SimpleString):
            if re.match(r"[rRuU]?['\"](https?://)?(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])([:/'\"]|$)",
                        a.value.value):
                return True
    return False


PROMPT_HELPER_MIN_CHARS = 40  # a helper's returned text counts as a prompt from this length


def merged_value(values: list[Any], module_level: bool = False) -> Any:
    """The value of a name assigned several times: one SDK client whose other values are ``None`` or
    unknown (``self.client = None`` / ``= make_client()`` / ``= anthropic.Anthropic()``); texts: one
    of them (:func:`..values.choice`: their common static parts), a placeholder aside: a module's
    (``KB = ''`` then ``KB = f.read()`` at import) or a ``None`` (``prompt = None``, then ``prompt =
    f.read()`` when the file exists: what a call sends when it sends one); else unknown."""
    from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Text, Unknown, choice

    clients = [v for v in values if isinstance(v, ClientRef)]
    if clients and all(c == clients[0] for c in clients) and \
            all(isinstance(v, (ClientRef, Unknown)) or v is None for v in values):
        return clients[0]
    texts = [v for v in values if not (v is None or module_level and v == "")]
    if texts and all(isinstance(v, (str, Text)) for v in texts):
        return texts[0] if len(texts) == 1 else choice(texts)
    return UNKNOWN


class _Returns(cst.CSTVisitor):
    def __init__(self) -> None:
        self.values: list[Any] = []

    def visit_Return(self, node: cst.Return) -> None:
        self.values.append(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's returns are not this one's

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def factory_client(resolver: Any, func: Any, scope: Scope, depth: int) -> Any:
    """What a same-module helper returns: ``get_client()`` or ``self._client()`` whose every
    ``return`` is the same SDK client (``return anthropic.Anthropic()`` / ``return self.client``; a
    ``return None`` when no key is set makes no client, and no request), or the prompt text of a
    helper with one ``return`` (arguments are holes)."""
    from pytest_tokenbudget.lint.analysis.values import UNKNOWN

    if depth > 20:
        return UNKNOWN
    binding = None
    if isinstance(func, cst.Name):
        found = lookup(func.value, scope)
        binding = found[1][0] if found and len(found[1]) == 1 else None
    elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        fn = scope
        while fn is not None and fn.kind not in ("function", "lambda"):
            fn = fn.parent
        if fn is not None and fn.owner_class is not None and func.value.value == fn.self_name:
            defs = fn.owner_class.bindings.get(func.attr.value, [])
            binding = defs[0] if len(defs) == 1 else None
    if binding is None or binding.kind != "def" or binding.scope is None:
        return UNKNOWN
    memo = resolver.__dict__.setdefault("_factory_memo", {})
    key = id(binding.node)
    if key not in memo:
        memo[key] = UNKNOWN  # while computing: a recursive helper is unknown
        collector = _Returns()
        for stmt in binding.node.body.body if hasattr(binding.node.body, "body") else ():
            stmt.visit(collector)
        values = [resolver.expr(v, binding.scope, depth + 1) if v is not None else None for v in collector.values]
        clients = [v for v in values if isinstance(v, ClientRef)]
        made = [v for v in values if v is not None] if clients else values  # (return None: no key, no client)
        if clients and len(clients) == len(made) and all(c == clients[0] for c in clients):
            memo[key] = clients[0]
        elif len(values) == 1 and _is_prompt(values[0]):
            memo[key] = values[0]  # def prompt_template(data): return f"... {data}": its static text
        elif len(values) == 1 and isinstance(collector.values[0], cst.Name):  # blocks = [...]; .append; return
            from pytest_tokenbudget.lint.analysis.built_lists import built_list

            memo[key] = built_list(resolver, list(binding.node.body.body), collector.values[0].value,
                                   binding.scope, depth)
    return memo[key]


def _is_prompt(value: Any) -> bool:
    """A prompt-sized text (not a model id or a short setting a helper may compute from its arguments)."""
    from pytest_tokenbudget.lint.analysis.values import Text

    text = value.static if isinstance(value, Text) else value if isinstance(value, str) else ""
    return len(text.strip()) >= PROMPT_HELPER_MIN_CHARS


def single_return(func: Any, scope: Scope) -> tuple[Any, Scope] | None:
    """(the returned expression, the function's scope) when ``func`` names a same-module function
    with exactly one ``return <expr>`` (``def make_request(i, p): return Request(params=...)``)."""
    if not isinstance(func, cst.Name):
        return None
    found = lookup(func.value, scope)
    if not found or len(found[1]) != 1 or found[1][0].kind != "def" or found[1][0].scope is None:
        return None
    binding = found[1][0]
    collector = _Returns()
    for stmt in binding.node.body.body if hasattr(binding.node.body, "body") else ():
        stmt.visit(collector)
    if len(collector.values) != 1 or collector.values[0] is None:
        return None
    return collector.values[0], binding.scope


def function_scope(scope: Scope) -> Scope | None:
    """The innermost function (or lambda) scope around ``scope``."""
    s: Scope | None = scope
    while s is not None and s.kind not in ("function", "lambda"):
        s = s.parent
    return s


def method_scope(scope: Scope) -> Scope | None:
    """The innermost method around ``scope``, through closures and comprehensions defined in it
    (``async def _gen(): ... self.model`` inside a method); else the innermost function scope."""
    fn = function_scope(scope)
    s = fn
    while s is not None and s.owner_class is None:
        s = s.parent
        while s is not None and s.kind not in ("function", "lambda"):
            s = None if s.kind == "class" else s.parent  # a nested class ends the search
    return s if s is not None else fn


def typed_dict_name(ref: ImportRef) -> bool:
    """SDK param TypedDicts used as constructors: ``MessageCreateParamsNonStreaming(...)``, ``Request(...)``."""
    last = ref.last
    return last.endswith("Param") or last.endswith("Params") or last == "Request"


def sets_timeout(node: cst.Call) -> bool:
    """A client constructor or ``with_options`` that sets ``timeout=`` (or may, through ``**kw``)."""
    return any((a.keyword is not None and a.keyword.value == "timeout") or a.star for a in node.args)
