"""Linter fuzzing: whatever the module, the linter returns findings, never raises, never
reports an internal error, gives positions inside the file, and its fixes re-parse.

Three generators:

* hypothesmith modules (``from_grammar`` and ``from_node``), each with a real call appended;
* real-shaped ``client.messages.create(...)`` call sites, mutated: receivers (attributes,
  subscripts, calls, ``with_options``, aliases of the method, ``beta``, batches, OpenAI), any mix
  of keyword arguments, ``**dicts``, positional and starred arguments, nested f-strings with
  escapes and format specs, walrus, lambdas, comprehensions; placed in functions, async
  functions (``await`` / ``async for`` / ``async with``), decorators, classes, loops,
  comprehensions, ``match`` statements, ``try``, ``with``, lambdas;
* byte-level mutations of a real file (flips, cuts, NULs, BOMs, coding lines) through
  ``lint_bytes``, the path files take.

Fixes are applied with ``fixes.fix_until_stable`` (what ``tokenbudget lint --fix`` runs per file)
and the output must parse with both ast and libcst, and be stable (fixing it again changes
nothing).

Profiles: ``ci`` (the default here: bounded, derandomized, no example database, < 30 s on one
core) and ``fuzz`` (10x the examples, random): ``TOKENBUDGET_FUZZ=fuzz pytest tests/lint/test_fuzz.py``.
"""

from __future__ import annotations

import ast
import os
import re
import warnings

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_tokenbudget.lint.api import OPTION_DEFAULTS, default_catalog, lint_bytes, lint_source
from pytest_tokenbudget.lint.fixes.edits import fix_until_stable, parses

# fixes.parses() runs ast.parse unguarded: generated code like "1()" warns (not the linter's output)
pytestmark = [pytest.mark.filterwarnings("ignore::SyntaxWarning"), pytest.mark.slow]

settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", deadline=None, database=None, suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("TOKENBUDGET_FUZZ", "ci")
SCALE = 10 if PROFILE == "fuzz" else 1


def profile(n: int) -> settings:
    return settings(settings.get_profile(PROFILE), max_examples=n * SCALE)


TRIED: dict[str, int] = {}  # inputs per test (printed by test_zz_report for the issue note)


def _count(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


# ----------------------------------------------------------------------------- the properties
def check_source(src: str) -> list:
    """Lint ``src``; assert the properties; apply fixes and assert the output parses and is stable."""
    lines = src.splitlines() or [""]
    findings = lint_source(src, select=["ALL"])
    assert isinstance(findings, list)
    internal = [f for f in findings if "internal error" in f.message]
    assert not internal, internal[0].message
    for f in findings:
        if f.code in ("E999", "E902"):
            continue
        assert 1 <= f.line <= f.end_line <= len(lines) + 1, f
        assert f.column >= 1 and f.end_column >= 1, f
    if any(f.fix is not None for f in findings) and parses(src):
        lint = lambda s: lint_source(s, select=["ALL"])  # noqa: E731
        out = fix_until_stable(src, lint, unsafe=True)
        assert parses(out.source), out.source
        _count("with fixes: applied, re-parsed, converged" if out.changed else "with fixes: none applicable")
        if out.changed:
            again = fix_until_stable(out.source, lint, unsafe=True)
            assert not [f for f in lint(out.source) if "internal error" in f.message]
            assert again.source == fix_until_stable(again.source, lint, unsafe=True).source  # converges
    return findings


def _quiet_parse(src: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(src)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# ----------------------------------------------------------------------------- hypothesmith modules
TAIL = ("\nimport anthropic\n_c = anthropic.Anthropic()\n"
        "_c.messages.create(model='claude-sonnet-4-5', max_tokens=50000, messages=[], system='x' * 9000)\n")


@profile(30)
@given(st.deferred(hypothesmith.from_grammar))  # built when drawn: its Lark grammar costs ~1 s at every collection
def test_grammar_modules(source):
    _count("hypothesmith.from_grammar")
    check_source(source + TAIL)


@profile(12)
@given(hypothesmith.from_node())
def test_node_modules(source):
    _count("hypothesmith.from_node")
    check_source(source + TAIL)


# ----------------------------------------------------------------------------- mutated call sites
NAMES = st.sampled_from(["q", "x", "user", "K", "PROMPT", "kw", "msgs", "i", "_"])
STRING_ATOMS = st.sampled_from([
    "'text'", '"""long\nprompt"""', "r'\\d+'", "b'bytes'", "'a' 'b'", "'\\N{BULLET} item\\t'", "''",
    "'{}'.format(x)", "'%s!' % K", "' '.join([K, 'b'])", "textwrap.dedent('''\n    a\n    ''')",
    "K * 3", "PROMPT + '\\n\\n'", "str(i)", "'x' * 5000", "'<answer>'",
])


@st.composite
def fstrings(draw, depth: int = 0) -> str:
    prefix = draw(st.sampled_from(["f", "F", "rf", "fR"]))
    quote = draw(st.sampled_from(["'", '"'])) if depth else draw(st.sampled_from(["'", '"', "'''", '"""']))
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5 if depth < 1 else 3))
        if kind == 0:  # (3.11: no backslash inside a replacement field, so none in nested f-strings)
            parts.append(draw(st.sampled_from(["Rules:", "{{literal}}", " "] if depth else
                                              ["Rules:", "\\n\\n", "{{literal}}", "\\u00e9", " ", "\\x41", "\\\\"])))
        elif kind == 1:
            parts.append("{" + draw(NAMES) + "}")
        elif kind == 2:
            parts.append("{" + draw(NAMES) + draw(st.sampled_from(["!r", "!s", ":>10", ":%H:%M", "=", "!r:^{i}"])) + "}")
        elif kind == 3:
            parts.append("{" + draw(st.sampled_from(["datetime.datetime.now()", "uuid.uuid4()", "len(msgs)",
                                                     "x if x else K", "K[0]"])) + "}")
        else:  # a nested f-string with the other quote
            inner = draw(fstrings(depth + 1))
            parts.append("{" + (inner if quote[0] not in inner else "K") + "}")
    body = "".join(parts)
    if "r" in prefix.lower():
        body = body.replace("\\\\", "")  # a raw string cannot end in one backslash; keep it simple
    if quote[0] in body:
        body = body.replace(quote[0], "")
    return f"{prefix}{quote}{body}{quote}"


ATOMS = st.one_of(
    STRING_ATOMS, fstrings(),
    st.sampled_from(["K", "unknown_name", "42", "64_000", "-1", "0", "None", "True", "[]", "{}", "x",
                     "datetime.datetime.now()", "(n := 500)", "lambda: 1", "x if x else 5", "os.environ['M']",
                     "[*msgs]", "{**kw}", "msgs[-1]", "await get()", "(yield)", "...", "1e9", "2**20",
                     "'claude-sonnet-4-5'", "'claude-haiku-4-5'", "'claude-opus-4-1'", "'gpt-4o'", "'claude-3-haiku'",
                     "MODEL", "cfg.model", "cfg['max_tokens']"]),
)
EXPRS = st.recursive(ATOMS, lambda inner: st.one_of(
    st.tuples(inner, inner).map(lambda t: f"{t[0]} + {t[1]}"),
    st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.tuples(st.sampled_from(["'type'", "'text'", "'cache_control'", "'role'", "'content'", "'source'",
                                        "'tool_use_id'", "K", "x"]), inner), max_size=3)
    .map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
    inner.map(lambda e: f"[{e} for q in msgs]"),
    inner.map(lambda e: f"({e})"),
    inner.map(lambda e: f"dict(text={e})"),
), max_leaves=8)
MESSAGES = st.sampled_from([
    "[]", "msgs", "[{'role': 'user', 'content': q}]", "[{'role': 'user', 'content': [{'type': 'text', 'text': q}]}]",
    "[*history, {'role': 'user', 'content': q}]", "history + [{'role': 'user', 'content': PROMPT}]",
    "[{'role': 'user', 'content': [{'type': 'image', 'source': {'type': 'base64', 'data': x}}]}]",
])
KEYS = ["model", "max_tokens", "system", "messages", "tools", "stop_sequences", "cache_control", "stream",
        "thinking", "timeout", "tool_choice", "temperature", "metadata", "extra_headers", "betas", "output_format",
        "response_format", "n", "requests", "custom_id", "params"]
RECEIVERS = st.sampled_from([
    "client.messages", "self.client.messages", "anthropic.Anthropic().messages", "get_client().messages",
    "clients[0].messages", "(client).messages", "client.with_options(timeout=5, max_retries=0).messages",
    "client.beta.messages", "aclient.messages", "A().messages", "oai.chat.completions", "client.messages.batches",
    "messages_api", "x.messages", "bedrock.messages", "client.beta.messages.batches",
])
METHODS = st.sampled_from(["create", "stream", "parse", "count_tokens", "create", "create"])


@st.composite
def calls(draw) -> str:
    receiver = draw(RECEIVERS)
    method = draw(METHODS)
    args = draw(st.dictionaries(st.sampled_from(KEYS), EXPRS, max_size=7))
    if draw(st.booleans()):
        args["messages"] = draw(MESSAGES)
    parts = [f"{k}={v}" for k, v in args.items()]
    extras = draw(st.lists(st.sampled_from(["**kw", "**{'max_tokens': 100}", "*a", "**cfg", "q",
                                            "**dict(model=MODEL)", "**{K: 1}", "**{**kw, 'stream': True}"]),
                           max_size=2))
    for e in extras:  # positional and *args first, **kwargs last (else it is not Python)
        parts.insert(len(parts) if e.startswith("**") else 0, e)
    if receiver.endswith("batches"):
        func = f"{receiver}.create"
        params = ", ".join(p for p in parts if "=" in p and not p.startswith("*"))
        argstr = f"requests=[{{'custom_id': 'a', 'params': dict({params})}} for q in qs]"
    else:
        func, argstr = f"{receiver}.{method}", ", ".join(parts)
    if draw(st.booleans()):  # the method under an alias
        alias = draw(st.sampled_from(["create", "mk", "ask"]))
        return f"{alias} = {func}\n{alias}({argstr})"
    return f"{func}({argstr})"


PREAMBLES = st.sampled_from([
    "import anthropic\nclient = anthropic.Anthropic()\n",
    "import anthropic as a\nclient = a.Anthropic(timeout=30)\n",
    "from anthropic import Anthropic as A, AsyncAnthropic\nclient = A()\naclient = AsyncAnthropic()\n",
    "from anthropic import *\nclient = Anthropic(**opts)\n",
    "import anthropic\nif x:\n    client = anthropic.Anthropic()\nelse:\n    client = None\n",
    "import openai\noai = openai.OpenAI(base_url='https://api.anthropic.com/v1/')\nclient = oai\n",
    "import anthropic\nclient = anthropic.AnthropicBedrock()\nbedrock = client\ndel client\nclient = bedrock\n",
    "import anthropic\nclient: anthropic.Anthropic\nmessages_api = anthropic.Anthropic().messages\n",
    "",
])
COMMON = ("import datetime, os, textwrap, uuid, functools, asyncio\nK = 'const'\nPROMPT = '''You are terse.'''\n"
          "MODEL = 'claude-sonnet-4-5'\nx = q = i = kw = cfg = opts = None\nmsgs = history = qs = a = []\n")


def _indent(code: str, n: int = 1) -> str:
    return "\n".join(("    " * n + line) if line else line for line in code.splitlines())


_AWAIT = re.compile(r"(?<![\w.])client[.]")
CONTEXTS = [
    lambda c: c,
    lambda c: f"def f(q, kw=None, *a, **cfg):\n{_indent(c)}\n",
    lambda c: "async def f(q):\n" + _indent(_AWAIT.sub("await client.", c, count=1)) + "\n",
    lambda c: f"async def f(qs):\n    async for q in qs:\n{_indent(c, 2)}\n    async with x as y:\n{_indent(c, 2)}\n",
    lambda c: f"@functools.cache\n@decorate(lambda: 1)\ndef f(q):\n{_indent(c)}\n",
    lambda c: f"class C:\n    client = None\n    def m(self, q):\n{_indent(c, 2)}\n",
    lambda c: f"for q in qs:\n{_indent(c)}\n",
    lambda c: f"while True:\n{_indent(c)}\n    msgs.append(r)\n    break\n",
    lambda c: f"def f():\n    for q in qs:\n        for i in range(3):\n{_indent(c, 3)}\n",
    lambda c: f"r = [{c.splitlines()[-1]} for q in qs if q]\n" if "\n" not in c else c,
    lambda c: f"r = {{q: {c.splitlines()[-1]} for q in qs}}\n" if "\n" not in c else c,
    lambda c: f"g = ({c.splitlines()[-1]} for q in qs)\n" if "\n" not in c else c,
    lambda c: f"match x:\n    case {{'q': q}}:\n{_indent(c, 2)}\n    case [q, *_] if q:\n{_indent(c, 2)}\n    case _:\n        pass\n",
    lambda c: f"try:\n{_indent(c)}\nexcept Exception as e:\n    raise\nfinally:\n    pass\n",
    lambda c: f"with open(x) as fh:\n{_indent(c)}\n",
    lambda c: f"if (r := {c.splitlines()[-1]}):\n    pass\n" if "\n" not in c else c,
    lambda c: f"h = lambda q: {c.splitlines()[-1]}\n" if "\n" not in c else c,
    lambda c: f"def outer():\n    n = 1\n    def inner(q):\n        nonlocal n\n{_indent(c, 2)}\n    return inner\n",
    lambda c: f"def f(q):\n    global client\n{_indent(c)}\n    yield\n",
]


SUPPRESSIONS = st.sampled_from(["", "", "  # noqa: TB203", "  # tokenbudget: ignore[TB101,TB999]", "  # noqa",
                                "  # tokenbudget: ignore", "  # noqa: E501, TB206", "  # tokenbudget: ignore[]"])
ODD_TEXT = st.sampled_from(["", "", "S = 'a\u2028b\\x0c\x0cc\x1c'\n", "T = '''\r'''\n", "\x0c\n", "# caf\u00e9 \u2028\n"])


@st.composite
def modules(draw) -> str:
    body = []
    for _ in range(draw(st.integers(1, 3))):
        ctx = draw(st.sampled_from(CONTEXTS))
        lines = ctx(draw(calls())).split("\n")
        at = [i for i, line in enumerate(lines) if "(" in line]
        if at:  # an ignore comment at the end of a call line, or alone above it
            i = draw(st.sampled_from(at))
            comment = draw(SUPPRESSIONS)
            if draw(st.booleans()):
                lines[i] += comment
            elif comment:
                indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
                lines.insert(i, indent + comment.strip())
        body.append("\n".join(lines))
    src = draw(PREAMBLES) + draw(ODD_TEXT) + COMMON + "\n".join(body) + "\n"
    return src.replace("\n", draw(st.sampled_from(["\n", "\n", "\r\n", "\r"])))


@profile(180)
@given(modules())
def test_mutated_call_sites(src):
    _count("mutated call sites")
    if not _quiet_parse(src):
        _count("mutated call sites (not valid Python: E999 expected)")
        findings = lint_source(src)
        assert [f.code for f in findings] == ["E999"], findings
        return
    check_source(src)


@profile(20)
@given(modules(), st.booleans())
def test_cli_fix_on_files(tmp_path_factory, src, bom):
    """`tokenbudget lint --fix --unsafe-fixes` on the file: it still parses, keeps its BOM and its
    line endings, and a second --fix changes nothing."""
    from pytest_tokenbudget.cli import main

    if not _quiet_parse(src):
        return
    _count("CLI --fix on a file")
    root = tmp_path_factory.mktemp("fix")
    (root / "pyproject.toml").write_text("[tool.tokenbudget.lint]\nselect = ['ALL']\n")
    path = root / "m.py"
    data = (b"\xef\xbb\xbf" if bom else b"") + src.encode()
    path.write_bytes(data)
    old = os.getcwd()
    os.chdir(root)
    try:
        rc = main(["lint", "--fix", "--unsafe-fixes", "--no-cache", "--exit-zero", "-o", os.devnull, "m.py"])
        first = path.read_bytes()
        rc2 = main(["lint", "--fix", "--unsafe-fixes", "--no-cache", "--exit-zero", "-o", os.devnull, "m.py"])
    finally:
        os.chdir(old)
    assert rc == rc2 == 0
    assert first.startswith(b"\xef\xbb\xbf") == bom
    text = first.decode("utf-8-sig")
    assert parses(text), text
    def lone_lf(t: str) -> bool:
        return "\n" in t.replace("\r\n", "")
    if not lone_lf(src):  # a CRLF or CR file stays one
        assert not lone_lf(text), text
    if first != data:
        _count("CLI --fix changed the file (re-parsed, stable)")
    assert path.read_bytes() == first  # the second --fix found nothing left to do


# ----------------------------------------------------------------------------- byte mutations
SEED_FILE = (b"# -*- coding: utf-8 -*-\nimport anthropic\nclient = anthropic.Anthropic()\n"
             b"SYSTEM = '''You are a helpful assistant. \xc3\xa9 ''' * 300\n"
             b"def ask(q):\n    return client.messages.create(model='claude-sonnet-4-5', max_tokens=50000,\n"
             b"        system=f\"{SYSTEM}\\n\\nToday: {q}\", messages=[{'role': 'user', 'content': q}])\n")
NB_SEED = (b'{"cells": [{"cell_type": "code", "source": ["import anthropic\\n", "c = anthropic.Anthropic()\\n", '
           b'"c.messages.create(model=\'claude-sonnet-4-5\', max_tokens=50000, messages=[])\\n"]}], "nbformat": 4}')


@st.composite
def mutated_bytes(draw) -> tuple[str, bytes]:
    notebook = draw(st.booleans())
    data = bytearray(NB_SEED if notebook else SEED_FILE)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 5))
        pos = draw(st.integers(0, len(data)))
        if op == 0 and data:  # flip a byte
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == 1:  # cut
            del data[pos: pos + draw(st.integers(1, 40))]
        elif op == 2:  # insert hostile bytes
            data[pos:pos] = draw(st.sampled_from([b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\r", b"\x0c", b"\\",
                                                  b"{", b"(", b"'''", b'"', b"\t", b"\xe9", b"\\N{", b"\\u12"]))
        elif op == 3:  # a different coding line
            data[0:0] = draw(st.sampled_from([b"# coding: latin-1\n", b"# coding: utf-16\n", b"# coding: nope\n",
                                              b"\xef\xbb\xbf# coding: latin-1\n", b"#!/usr/bin/env python\n"]))
        elif op == 4:  # duplicate a slice
            data[pos:pos] = data[pos: pos + draw(st.integers(1, 80))]
        else:  # truncate
            del data[pos:]
    return ("m.ipynb" if notebook else "m.py"), bytes(data)


@profile(120)
@given(mutated_bytes())
def test_mutated_bytes(case):
    _count("byte mutations")
    name, data = case
    fr = lint_bytes(data, name, default_catalog(), OPTION_DEFAULTS)
    assert not [f for f in fr.findings if "internal error" in f.message]
    if fr.error is not None:
        assert fr.error.message.startswith(("cannot parse", "cannot decode", "not analysed")), fr.error
        assert fr.error.line >= 1 and fr.error.column >= 1


# ----------------------------------------------------------------------------- regressions
@pytest.mark.parametrize("src", [
    COMMON + "import anthropic\nclient = anthropic.Anthropic()\ny = " + "1 + " * 600 + "1\n"
    "client.messages.create(model='claude-sonnet-4-5', max_tokens=50000, messages=[])\n",
    "import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='m', max_tokens=1, messages=["
    + "[" * 180 + "]" * 180 + "])\n",
    "import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-sonnet-4-5', max_tokens=50000, "
    "system=f'''{f\"{f'{x}'}\"}\\n\\n''', messages=[])\n",
    "import anthropic\nclient = anthropic.Anthropic()\nqs = []\n"
    "r = [client.messages.create(model='claude-sonnet-4-5', max_tokens=50000, messages=[]) for q in qs if q]\n",
    "import anthropic\rclient = anthropic.Anthropic()\rS = 'a\u2028b'\r# noqa: TB203\r"
    "client.messages.create(model='claude-haiku-4-5', max_tokens=50000, messages=[], stream=True)  # noqa: TB999\r",
], ids=["long-operator-chain", "nested-brackets-in-arguments", "nested-fstrings", "assigned-comprehension",
        "cr-line-breaks-and-u2028"])
def test_found_by_fuzzing(src):
    findings = check_source(src)
    assert not [f for f in findings if f.code == "E999"]


def test_zz_report(capsys):
    """Not a check: prints how many inputs each generator tried in this session (issue note)."""
    with capsys.disabled():
        print("\nfuzz inputs tried:", dict(sorted(TRIED.items())), f"(profile {PROFILE})")
