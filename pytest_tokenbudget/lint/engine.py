"""The lint run over files: discover, read, prefilter, check (in a process pool when there are
many), serve unchanged files from the cache, and apply selection and per-file ignores.

The per-file pipeline is :func:`lint_bytes`: bytes -> :func:`.source.load` (decode, prefilters,
compile check) -> :func:`.findings.check_source` (libcst parse, call sites, rules, suppressions).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog
from pytest_tokenbudget.core.text import SECRET_PATTERN
from pytest_tokenbudget.lint.cache import Cache
from pytest_tokenbudget.lint.discover import DEFAULT_EXCLUDE, discover
from pytest_tokenbudget.lint.findings import check_source
from pytest_tokenbudget.lint.results import FileError, FileResult, LintResult
from pytest_tokenbudget.lint.settings import LintSettings, per_file_ignored, selection_of
from pytest_tokenbudget.lint.source import display_path, from_text, load, may_hold_calls, read_file
from pytest_tokenbudget.lint.types import Finding

__all__ = ["discover_files", "lint_bytes", "lint_paths", "lint_source"]

POOL_MIN_FILES = 8  # check in processes only when at least this many candidate files need it


def lint_source(source: str, *, path: str = "<string>", settings: LintSettings | None = None,
                select: Sequence[str] | None = None) -> list[Finding]:
    """Findings for one Python source text (selection applied; no cache)."""
    import dataclasses

    settings = (settings or LintSettings(root=Path.cwd())).with_catalog()
    loaded = from_text(source, path)
    if isinstance(loaded, FileError):
        return [loaded.as_finding()]
    result = check_source(loaded, settings.catalog, settings.options)  # type: ignore[arg-type]
    if result.error is not None:
        return [result.error.as_finding()]
    sel = selection_of(settings if select is None else dataclasses.replace(settings, select=tuple(select)))
    return [f for f in result.findings if sel.enabled(f.code)]


def _lint_candidate(data: bytes, path: str, catalog: Catalog, options: Mapping[str, Any]) -> FileResult | None:
    """One file's result, or ``None`` when the prefilters show it holds no call."""
    loaded = load(data, path, options)
    if loaded is None:
        return None
    if isinstance(loaded, FileError):
        return FileResult(path, error=loaded)
    return check_source(loaded, catalog, options)


def lint_bytes(data: bytes, path: str, catalog: Catalog, options: Mapping[str, Any]) -> FileResult:
    """Lint one file's bytes (``.ipynb`` by its extension)."""
    return _lint_candidate(data, path, catalog, options) or FileResult(path)


_W_CATALOG: Catalog | None = None
_W_OPTIONS: Mapping[str, Any] = {}


def _worker_init(catalog: Catalog, options: Mapping[str, Any]) -> None:
    global _W_CATALOG, _W_OPTIONS
    _W_CATALOG, _W_OPTIONS = catalog, options


def _worker(job: tuple[str, bytes]) -> dict[str, Any] | None:
    path, data = job
    assert _W_CATALOG is not None
    fr = _lint_candidate(data, path, _W_CATALOG, _W_OPTIONS)
    return None if fr is None else fr.as_json()


def _carries_secret(fr: FileResult) -> bool:
    return any(SECRET_PATTERN.search(e.content) for f in fr.findings if f.fix is not None for e in f.fix.edits)


def discover_files(paths: Iterable[str | Path], settings: LintSettings,
                   skipped: list[tuple[str, str]] | None = None) -> list[str]:
    """The files ``lint`` and ``estimate`` look at under ``paths``."""
    return list(discover(paths, root=settings.root,
                         exclude=settings.exclude if settings.exclude is not None else DEFAULT_EXCLUDE,
                         extend_exclude=settings.extend_exclude, respect_gitignore=settings.respect_gitignore,
                         force_exclude=settings.force_exclude, skipped=skipped))


@dataclass
class _Job:
    path: str  # as given by discovery
    shown: str  # as shown in output
    data: bytes
    digest: str
    stat: os.stat_result


@dataclass
class _Run:
    """A run in progress: the result, the per-file results, and the files still to check."""

    result: LintResult
    results: dict[str, FileResult] = field(default_factory=dict)
    todo: list[_Job] = field(default_factory=list)


def _collect(run: _Run, files: list[str], cache: Cache | None) -> None:
    """Read each file; serve it from the cache, drop it (byte prefilter), or queue it."""
    result = run.result
    for f in files:
        hit = cache.lookup_stat(f) if cache is not None else None
        if hit == "clean":  # unchanged since the last run, and it had no candidate call
            continue
        if hit is not None and _from_cache(run, cache, hit, display_path(f)):  # type: ignore[arg-type]
            continue
        read = read_file(f)
        if isinstance(read, FileError):
            result.errors.append(read)
            continue
        data, st = read
        result.bytes_read += len(data)
        if not may_hold_calls(data, f):
            if cache is not None:
                cache.record_stat(f, "clean", st)
            continue
        shown = display_path(f)
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if cache is not None and _from_cache(run, cache, digest, shown):
            cache.record_stat(f, digest, st)
            continue
        run.todo.append(_Job(f, shown, data, digest, st))


def _from_cache(run: _Run, cache: Cache, digest: str, shown: str) -> bool:
    cached = cache.result(digest, shown)
    if cached is None:
        return False
    run.result.candidates += 1
    run.result.cached += 1
    run.results[shown] = cached
    return True


def _check_all(todo: list[_Job], settings: LintSettings) -> list[dict[str, Any] | None]:
    """Each queued file's result as JSON (``None``: no candidate call), in processes when many."""
    jobs = settings.jobs or os.cpu_count() or 1
    catalog, options = settings.catalog, dict(settings.options)
    if len(todo) < POOL_MIN_FILES or jobs < 2:
        out = [_lint_candidate(j.data, j.shown, catalog, options) for j in todo]  # type: ignore[arg-type]
        return [None if fr is None else fr.as_json() for fr in out]
    import concurrent.futures as cf
    import multiprocessing as mp

    import libcst  # noqa: F401  (imported once here, shared by the forked workers)

    from pytest_tokenbudget.core.tokens import get_estimator

    get_estimator()
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx, initializer=_worker_init,
                                initargs=(catalog, options)) as pool:
        return list(pool.map(_worker, [(j.shown, j.data) for j in todo], chunksize=max(1, len(todo) // (jobs * 4))))


def lint_paths(paths: Iterable[str | Path], settings: LintSettings) -> LintResult:
    """Lint files and directories. Selection, per-file ignores and suppressions are applied."""
    settings = settings.with_catalog()
    selection = selection_of(settings)
    skipped: list[tuple[str, str]] = []
    files = discover_files(paths, settings, skipped)
    cache = Cache.open(settings) if settings.cache else None
    run = _Run(LintResult([], [FileError(display_path(p), "skip", why) for p, why in skipped], files=len(files)))
    if cache is not None:
        run.result.notices.extend(cache.notices)
    _collect(run, files, cache)
    for job, data in zip(run.todo, _check_all(run.todo, settings)):
        if cache is not None:
            cache.record_stat(job.path, "clean" if data is None else job.digest, job.stat)
        if data is None:
            continue
        fr = FileResult.from_json(job.shown, data)
        run.result.candidates += 1
        run.result.parsed += 1
        run.results[job.shown] = fr
        if cache is not None and not _carries_secret(fr):
            cache.store(job.digest, data)
    result = run.result
    for shown, fr in sorted(run.results.items()):
        result.call_sites += fr.call_sites
        if fr.error is not None:
            result.errors.append(fr.error)
        extra = per_file_ignored(settings, Path(shown))
        result.findings.extend(f for f in fr.findings if not f.code.startswith("TB") or selection.enabled(f.code, extra))
    result.findings.sort(key=Finding.sort_key)
    if cache is not None:
        cache.save()
    return result
