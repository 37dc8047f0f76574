"""``estimate`` over files: the lint pipeline's sources and call sites, priced, with savings from the rules."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog
from pytest_tokenbudget.core.tokens import estimator_name
from pytest_tokenbudget.lint.cache import prepared_folder
from pytest_tokenbudget.lint.engine import discover_files
from pytest_tokenbudget.lint.estimate.callers import over_callers
from pytest_tokenbudget.lint.estimate.report import EstimateReport, SiteSaving
from pytest_tokenbudget.lint.estimate.savings import SAVING_CODES, saving_for
from pytest_tokenbudget.lint.estimate.sites import SiteEstimate, calls_per_day_comment, estimate_call
from pytest_tokenbudget.lint.estimate.filecache import EstimateCache
from pytest_tokenbudget.lint.project import activate, project_root
from pytest_tokenbudget.lint.project_set import ProjectSet
from pytest_tokenbudget.lint.results import FileError
from pytest_tokenbudget.lint.rules.base import RuleContext
from pytest_tokenbudget.lint.rules.registry import registry
from pytest_tokenbudget.lint.settings import LintSettings, per_file_ignored, selection_of
from pytest_tokenbudget.lint.source import Parsed, Source, display_path, from_text, load, may_hold_calls, parse, read_file
from pytest_tokenbudget.lint.suppressions import SuppressionIndex

__all__ = ["estimate_module", "estimate_paths", "estimate_source", "saving_rules", "savings_for_site"]


@dataclass
class _FileEstimate:
    sites: list[SiteEstimate]
    savings: list[SiteSaving]
    error: str | None = None


def estimate_module(parsed: Parsed, *, catalog: Catalog, calls_per_day: int | None = None,
                    rules: Sequence[Any] | None = None, options: Mapping[str, Any] | None = None) -> _FileEstimate:
    """Estimates for every priced call site of a parsed source (count_tokens is free).

    With ``rules`` (rule instances), each site's findings from those rules are priced with
    :func:`.savings.saving_for`; suppression comments are honoured as in ``tokenbudget lint``.
    """
    from pytest_tokenbudget.lint.analysis.callsites import extract_call_sites  # libcst: only once parsing

    source, positions = parsed.source, parsed.positions
    lines = source.text.splitlines()
    sites: list[SiteEstimate] = []
    savings: list[SiteSaving] = []
    supp = SuppressionIndex(source.text) if rules else None
    for call in extract_call_sites(parsed.module, path=source.path, catalog=catalog, ranges=positions):
        if call.kind == "count_tokens":
            continue
        call_line = positions(call.node).line
        anchor = positions(call.anchor)
        n = calls_per_day_comment(lines, anchor.line)
        if n is None and anchor.line != call_line:
            n = calls_per_day_comment(lines, call_line)
        src = "comment" if n is not None else ("option" if calls_per_day is not None else None)
        line, cell = anchor.line, None
        if source.cell_of is not None:
            cell, line = source.cell_of(anchor.line)
        labels = {"line": line, "column": anchor.column, "cell": cell,
                  "calls_per_day": n if n is not None else calls_per_day, "calls_per_day_source": src}
        est = _priced_by_callers(estimate_call(call, catalog, **labels), call, catalog, labels)
        sites.append(est)
        for ss in savings_for_site(est, catalog, options or {}, rules or ()):
            node = ss.node if ss.node is not None else call.anchor
            try:
                finding_line = positions(node).line
            except KeyError:
                finding_line = anchor.line
            if supp is not None and supp.match(ss.saving.code, finding_line, call_line) is not None:
                continue
            savings.append(ss)
    return _FileEstimate(sites, savings)


def _priced_by_callers(est: SiteEstimate, call: Any, catalog: Catalog, labels: dict[str, Any]) -> SiteEstimate:
    """``est`` priced from what the wrapper's callers pass (:mod:`.callers`), when the project shows them."""
    from pytest_tokenbudget.lint.analysis.callerargs import variants
    from pytest_tokenbudget.lint.arguments import shown

    each = [(estimate_call(v.site, catalog, **labels), f"{shown(v.paths[0][-1][0])}:{v.paths[0][-1][1]}")
            for v in variants(call) if v.paths and v.paths[0]]
    return over_callers(est, each) if each else est


def estimate_source(text: str, *, path: str = "<string>", catalog: Catalog, calls_per_day: int | None = None,
                    rules: Sequence[Any] | None = None, options: Mapping[str, Any] | None = None
                    ) -> list[SiteEstimate]:
    """Parse ``text`` and estimate its call sites (raises ``ValueError`` with the diagnostic when it
    does not parse)."""
    source = from_text(text, path)
    parsed = parse(source) if isinstance(source, Source) else source
    if not isinstance(parsed, Parsed):
        raise ValueError(parsed.message if parsed is not None else "no source")
    return estimate_module(parsed, catalog=catalog, calls_per_day=calls_per_day, rules=rules, options=options).sites


def _estimate_file(data: bytes, path: str, catalog: Catalog, calls_per_day: int | None,
                   rules: Sequence[Any] | None, options: Mapping[str, Any]) -> _FileEstimate:
    """One file through the lint pipeline's source steps, then priced."""
    source = load(data, path, options)
    if source is None:
        return _FileEstimate([], [])
    parsed = parse(source) if isinstance(source, Source) else source
    if isinstance(parsed, FileError):
        return _FileEstimate([], [], parsed.message)
    return estimate_module(parsed, catalog=catalog, calls_per_day=calls_per_day, rules=rules, options=options)


def saving_rules(settings: LintSettings | None = None) -> tuple[list[Any], list[str]]:
    """Instances of the installed saving-bearing rules enabled by ``settings``, and notes on the rest."""
    reg = registry()
    selection = selection_of(settings) if settings is not None else None
    notes: list[str] = []
    rules = []
    for code in SAVING_CODES:
        cls = reg.get(code)
        if cls is None:
            notes.append(f"{code} is not installed: no savings for it")
        elif selection is not None and not selection.enabled(code):
            notes.append(f"{code} is not selected by the lint configuration")
        else:
            rules.append(cls())
    return rules, notes


def estimate_paths(paths: Iterable[str], settings: LintSettings, *, calls_per_day: int | None = None,
                   savings: bool = False) -> EstimateReport:
    """Estimate every call site under ``paths`` (files and folders, discovered as ``tokenbudget lint``
    does, with the same settings), resolving names and prompt files through the same project index
    as ``tokenbudget lint``."""
    settings = settings.with_catalog()
    paths = [str(p) for p in paths]
    rules, notes = saving_rules(settings) if savings else (None, [])
    sites: list[SiteEstimate] = []
    found: list[SiteSaving] = []
    errors: list[tuple[str, str]] = []
    # The lint run's project index: a prompt imported from prompts.py, read from a prompt file or
    # set as a class attribute is resolved exactly as `tokenbudget lint` resolves it. Its on-disk
    # cache is lint's (same folder, same content-hash keys); per-file estimates are kept beside it.
    folder = prepared_folder(settings)
    projects = ProjectSet(project_root(paths, settings.root), folder, named=any(os.path.isdir(p) for p in paths))
    cache = EstimateCache(folder, settings.fingerprint())
    files = discover_files(paths, settings)
    projects.prepare(files)
    for f in files:
        shown = display_path(str(f))
        read = read_file(str(f))  # FIFOs, devices and link loops are diagnosed, never read
        if isinstance(read, FileError):
            errors.append((shown, read.message))
            continue
        data, _ = read
        if not may_hold_calls(data, shown):
            continue
        file_rules = rules
        if rules:
            ignored = per_file_ignored(settings, Path(f), projects.root)
            file_rules = [r for r in rules if not any(r.code.startswith(c) for c in ignored)]
        key = ":".join([hashlib.blake2b(data, digest_size=16).hexdigest(), str(calls_per_day),
                        ",".join(r.code for r in file_rules or ()) if savings else "-"])
        project = projects.for_path(str(f))
        hit = cache.get(key, shown, project)
        if hit is None:
            activate(project, shown)
            project.begin()
            try:
                res = _estimate_file(data, shown, settings.catalog, calls_per_day, file_rules, settings.options)  # type: ignore[arg-type]
            finally:
                activate(None, "")
            cache.put(key, res.sites, res.savings, res.error, project)
            hit = (res.sites, res.savings, res.error)
        if hit[2]:
            errors.append((shown, hit[2]))
        sites.extend(hit[0])
        found.extend(hit[1])
    cache.save()
    projects.save()
    return EstimateReport(sites, estimator_name(), errors, calls_per_day,  # no encoding load when all is cached
                          found if savings else None, notes)


def savings_for_site(est: SiteEstimate, catalog: Catalog, options: Mapping[str, Any],
                     rules: Iterable[Any]) -> list[SiteSaving]:
    """Run the saving-bearing ``rules`` on ``est``'s call site and price each finding."""
    call = est.call
    if call is None:
        return []
    ctx = RuleContext(catalog=catalog, options=options, path=est.path)
    out: list[SiteSaving] = []
    for rule in rules:
        try:
            if not rule.applies_to(call):
                continue
            reports = list(rule.check(call, ctx))
        except Exception:  # noqa: BLE001 - a rule bug must not break the cost map
            continue
        if not reports:
            continue
        extra = {}
        props = reports[0].properties or {}
        target = props.get("suggested_model") if rule.code == "TB301" else None
        if isinstance(target, str):
            extra["target-model"] = target
        s = saving_for(rule.code, call, catalog, {**options, **extra}, estimate=est)
        if s is not None:
            out.append(SiteSaving(est, s, reports[0].message, reports[0].node))
    return out
