"""One source -> its findings: parse once, extract the call sites, run every rule on every site,
then positions, suppressions, fingerprints and fix edits.

Every rule runs on every call site; selection and per-file ignores are applied afterwards (by
:mod:`.engine`), so a file's result does not depend on ``--select`` and can be cached. Code nested
so deeply that the analysis exhausts the recursion limit is retried once in a thread with a large
stack; if that fails too the file gets a diagnostic, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog
from pytest_tokenbudget.core.text import redact
from pytest_tokenbudget.lint.no_sites import cannot_hold_sites
from pytest_tokenbudget.lint.results import FileError, FileResult
from pytest_tokenbudget.lint.rules.base import RuleContext
from pytest_tokenbudget.lint.rules.registry import registry
from pytest_tokenbudget.lint.settings import CORRECTNESS_CODES
from pytest_tokenbudget.lint.source import Parsed, Positions, Source, parse
from pytest_tokenbudget.lint.suppressions import SuppressionIndex, with_unused_suppressions
from pytest_tokenbudget.lint.types import Edit, Finding, Fix, Report, fingerprint

__all__ = ["check_source"]

DEEP_STACK_BYTES = 512 * 1024 * 1024  # thread stack for the retry of deeply nested (but allowed) code
DEEP_RECURSION_LIMIT = 100_000


def check_source(source: Source, catalog: Catalog, options: Mapping[str, Any]) -> FileResult:
    """Parse ``source`` and check it: findings (suppressions applied, TB900 added) or a diagnostic."""
    result = _checked(source, catalog, options)
    if source.broken_cells and result.error is None:  # a notebook's cells that do not parse, left out
        result.findings[:0] = [e.as_finding() for e in source.broken_cells]
    return result


def _checked(source: Source, catalog: Catalog, options: Mapping[str, Any]) -> FileResult:
    path = source.path
    try:
        return _check_once(source, catalog, options)
    except RecursionError:
        pass
    except Exception as exc:  # an analyser bug must not stop the run: report it on the file, loudly
        return FileResult(path, error=_analyser_error(path, exc))
    out = _with_deep_stack(lambda: _check_once(source, catalog, options))
    if isinstance(out, FileResult):
        return out
    if not isinstance(out, (RecursionError, MemoryError, RuntimeError)):
        return FileResult(path, error=_analyser_error(path, out))
    return FileResult(path, error=FileError(path, "parse", "not analysed: code nested too deeply for the analyser "
                                                           f"({type(out).__name__}); the file was not checked"))


def _analyser_error(path: str, exc: BaseException) -> FileError:
    return FileError(path, "parse", redact(f"not analysed: internal error {type(exc).__name__}: {exc} "
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


def _check_once(source: Source, catalog: Catalog, options: Mapping[str, Any]) -> FileResult:
    from pytest_tokenbudget.lint.analysis.callsites import analyse_module, extract_call_sites  # (libcst)

    if source.tree is not None and cannot_hold_sites(source.tree, source.text, catalog):
        return with_unused_suppressions(FileResult(source.path), source.text, source.cell_of)  # no libcst parse
    parsed = parse(source)
    if isinstance(parsed, FileError):
        return FileResult(source.path, error=parsed)
    analysis = analyse_module(parsed.module)
    try:
        sites = extract_call_sites(analysis, path=source.path, catalog=catalog, ranges=parsed.positions)
        result = FileResult(source.path, call_sites=len(sites))
        raw = _run_rules(sites, RuleContext(catalog=catalog, options=options, path=source.path,
                                            text=parsed.source.text)) if sites else []
        if raw:
            supp = SuppressionIndex(source.text)
            result.findings = _findings(parsed, raw, supp)
            result.suppressions = [
                {"line": s.line, "codes": sorted(s.codes) if s.codes is not None else None, "kind": s.kind,
                 "used": sorted(s.used)} for s in supp.by_line.values()
            ]
    finally:
        analysis.release()  # the findings are text now: the scopes (and the tree they hold) can go
    return with_unused_suppressions(result, source.text, source.cell_of)


def _run_rules(sites: list[Any], ctx: RuleContext) -> list[tuple[Any, Any, Report]]:
    """(rule, site, report) for every report of every rule on every site; a rule that raises
    gets an internal-error report instead (a rule bug must not stop the run)."""
    from pytest_tokenbudget.lint.analysis.callerargs import rule_reports  # libcst: loaded with the analysis

    rules = [cls() for cls in registry().values()]
    policy = ctx.options.get("test-code", "correctness")
    raw: list[tuple[Any, Any, Report]] = []
    for site in sites:
        test_site = site.client.local  # test files are handled with per-file ignores (by path)
        if test_site and policy == "skip":
            continue
        for rule in rules:
            if test_site and policy != "all" and rule.code not in CORRECTNESS_CODES:
                continue  # tests spend no production money: the plugin watches them
            if not rule.applies_to(site):
                continue
            try:
                for rep in rule_reports(rule, site, ctx):  # callers' values where the rule uses them
                    raw.append((rule, site, rep))
            except RecursionError:
                raise  # deep code, not a rule bug: check_source retries the whole file with a deep stack
            except Exception as exc:
                raw.append((rule, site, Report(f"internal error in rule {rule.code}: {type(exc).__name__}: {exc} "
                                               "(please report this)", severity="error")))
    return raw


def _where(positions: Positions, rep: Report, site: Any) -> tuple[Any, int]:
    """The range a report points at (inside its call, else the call itself) and the call's line."""
    node = rep.node if rep.node is not None else site.anchor
    around = _definitions(site.scope)
    try:
        r = positions(node, around)
    except KeyError:
        r = positions(site.anchor, around)
    call = positions(site.node, around)
    if (r.line, r.column) < (call.line, call.column) or (r.end_line, r.end_column) > (call.end_line, call.end_column):
        r = positions(site.anchor, around)  # the value was written elsewhere (a constant, a **dict): point at the call
    return r, call.line


def _definitions(scope: Any) -> tuple[Any, ...]:
    """The ``def`` / ``class`` statements around a call's scope, innermost first (none at module
    level): a report's node is usually in the innermost, and walking it alone is cheapest."""
    found = []
    while scope is not None and scope.parent is not None:
        if scope.kind in ("function", "class") and scope.node is not None:
            found.append(scope.node)
        scope = scope.parent
    return tuple(found)


def _findings(parsed: Parsed, raw: list[tuple[Any, Any, Report]], supp: SuppressionIndex) -> list[Finding]:
    """Findings of the unsuppressed reports, one per code and position."""
    source, positions = parsed.source, parsed.positions
    lines = re.split(r"\r\n|\r|\n", source.text)  # Python's line breaks, not str.splitlines' (\f, \u2028 ...)
    seen: set[tuple[str, int, int]] = set()
    occurrences: dict[tuple[str, str], int] = {}
    out: list[Finding] = []
    for rule, site, rep in raw:
        r, call_line = _where(positions, rep, site)
        key = (rule.code, r.line, r.column)
        if key in seen:
            continue  # one finding per code and position (e.g. a batch template seen twice)
        seen.add(key)
        hit = supp.match(rule.code, r.line, call_line)
        if hit is not None:
            hit.used.add(rule.code)
            continue
        line_text = lines[r.line - 1] if r.line - 1 < len(lines) else ""
        occ_key = (rule.code, " ".join(line_text.split()))
        occurrences[occ_key] = occurrences.get(occ_key, 0) + 1
        fix = _fix(rep.fix, positions, parsed.module) if rep.fix is not None and not parsed.retabbed else None
        line, end_line, cell = r.line, r.end_line, None
        if source.cell_of is not None:
            cell, line = source.cell_of(r.line)
            _, end_line = source.cell_of(r.end_line)
        out.append(Finding(
            code=rule.code, name=rule.name, severity=rep.severity or rule.severity, path=source.path,
            line=line, column=r.column, end_line=end_line, end_column=r.end_column,
            message=redact(rep.message), fix=fix, cell=cell,
            fingerprint=fingerprint(rule.code, line_text, occurrences[occ_key]),
            properties=redact(dict(rep.properties or {})),
        ))
    return out


def _fix(spec: Any, positions: Positions, module: Any) -> Fix | None:
    """A rule's libcst replacements as text edits (``None`` when a node has no position)."""
    edits = []
    try:
        for old, new in spec.replacements:
            r = positions(old)
            edits.append(Edit(r.line, r.column, r.end_line, r.end_column, module.code_for_node(new)))
    except Exception:
        return None
    return Fix(spec.description, tuple(edits), spec.applicability)
