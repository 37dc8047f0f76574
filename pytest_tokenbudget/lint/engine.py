"""The lint run over files: discover, read, prefilter, check (in a process pool when there are
many), serve unchanged files from the cache, and apply selection and per-file ignores.

The per-file pipeline is :func:`lint_bytes`: bytes -> :func:`.source.load` (decode, prefilters,
compile check) -> :func:`.findings.check_source` (libcst parse, call sites, rules, suppressions).
In a pool the parent reads and byte-filters every file, then drops the queued files' bytes before it
forks: each worker reads its files again (from the page cache), so no worker starts with all of them
(on the 565-repository corpus tree the largest process peaks ~22 MB lower, 275-280 MB instead of 300).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog
from pytest_tokenbudget.core.text import SECRET_PATTERN
from pytest_tokenbudget.lint.cache import Cache
from pytest_tokenbudget.lint.callerdeps import TrackedProject, record, stale
from pytest_tokenbudget.lint.discover import DEFAULT_EXCLUDE, discover
from pytest_tokenbudget.lint.heap import HeapKeeper
from pytest_tokenbudget.lint.project import Project, activate, project_root
from pytest_tokenbudget.lint.project_set import ProjectSet
from pytest_tokenbudget.lint.results import FileError, FileResult, LintResult
from pytest_tokenbudget.lint.settings import LintSettings, per_file_ignored, selection_of
from pytest_tokenbudget.lint.source import Source, display_path, from_text, load, may_hold_calls, read_file
from pytest_tokenbudget.lint.tree_budget import release_old_trees
from pytest_tokenbudget.lint.word_job import WordIndexJob
from pytest_tokenbudget.lint.types import Finding

__all__ = ["discover_files", "lint_bytes", "lint_paths", "lint_source"]

POOL_MIN_FILES = 8  # check in processes only when at least this many candidate files need it
GC_ALLOCATIONS = 100_000  # net allocations between two young-generation collections during a run


def lint_source(source: str, *, path: str = "<string>", settings: LintSettings | None = None,
                select: Sequence[str] | None = None) -> list[Finding]:
    """Findings for one Python source text (selection applied; no cache)."""
    from pytest_tokenbudget.lint.findings import check_source

    settings = (settings or LintSettings(root=Path.cwd())).with_catalog()
    loaded = from_text(source, path)
    if isinstance(loaded, FileError):
        return [loaded.as_finding()]
    result = check_source(loaded, settings.catalog, settings.options)  # type: ignore[arg-type]
    if result.error is not None:
        return [result.error.as_finding()]
    sel = selection_of(settings if select is None else dataclasses.replace(settings, select=tuple(select)))
    return [f for f in result.findings if sel.enabled(f.code)]


def lint_bytes(data: bytes, path: str, catalog: Catalog, options: Mapping[str, Any]) -> FileResult:
    """Lint one file's bytes (``.ipynb`` by its extension)."""
    from pytest_tokenbudget.lint.findings import check_source  # the analysis: not loaded by warm runs

    loaded = load(data, path, options)
    if loaded is None:  # the prefilters: no call the analysis could report
        return FileResult(path)
    if isinstance(loaded, FileError):
        return FileResult(path, error=loaded)
    return check_source(loaded, catalog, options)


_W_CATALOG: Catalog | None = None
_W_OPTIONS: Mapping[str, Any] = {}
_PROJECTS: ProjectSet | None = None  # the run's project indexes (inherited by forked workers)
_LAST: list[Project] = []  # the index of the file checked last in this process
_HEAP: HeapKeeper | None = None  # gives back what a check freed, in a run's worker or serial loop


def _check_with_index(source: Source, catalog: Catalog, options: Mapping[str, Any],
                      raw: bytes | None = None) -> dict[str, Any]:
    """A file's result as JSON, with the project index active: ``deps`` (the other files its
    resolution relied on, path -> digest) and ``index`` (index entries computed meanwhile).
    ``raw``: the file's bytes, whose :mod:`ast` tree the index may adopt rather than parse again."""
    from pytest_tokenbudget.lint.findings import check_source

    project = _PROJECTS.for_path(source.path) if _PROJECTS is not None else None
    if _LAST and _LAST[0] is not project and _PROJECTS is not None:  # on to another project
        _PROJECTS.leave(_LAST.pop())
    activate(project, source.path)
    if project is not None and raw is not None and source.tree is not None:
        project.share_tree(os.path.abspath(source.path), raw, source.tree)
    if isinstance(project, TrackedProject):
        project.begin()
    try:
        data = check_source(source, catalog, options).as_json()
    finally:
        activate(None, "")
    if project is not None:
        _LAST[:] = [project]
        release_old_trees(project)  # between two checks: the index keeps a bounded set of trees
        data["deps"] = dict(project.deps)
        data["index"] = project.new_values
        if (asked := record(project)) is not None:
            data["callers"] = asked  # the project-wide questions it asked (a new caller re-checks it)
    return data


def _worker_init(catalog: Catalog, options: Mapping[str, Any]) -> None:
    global _W_CATALOG, _W_OPTIONS, _HEAP
    _W_CATALOG, _W_OPTIONS, _HEAP = catalog, options, HeapKeeper()


def _worker(job: tuple[str, str, str]) -> dict[str, Any] | None:
    """Check one queued file, read here (the parent dropped its bytes before forking: every worker
    would otherwise start with all of them). A file changed since the parent read it is checked as
    it is now, and its result says so (``"changed"``: not cached under the parent's digest)."""
    assert _W_CATALOG is not None
    path, shown, digest = job
    read = read_file(path)
    if isinstance(read, FileError):  # gone or unreadable since: not what the parent's digest names
        return {**FileResult(shown, error=read).as_json(), "changed": True}
    data = read[0]
    out = _load_and_check(data, shown, _W_CATALOG, _W_OPTIONS)
    if out is not None and _digest(data) != digest:
        out["changed"] = True
    return out


def _digest(data: bytes) -> str:
    """A file's content hash: the cache's key, and how a worker sees that a file changed since it was read."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
    data: bytes  # loaded (decode, ast prefilter) and checked here; emptied before a pool forks
    digest: str
    stat: os.stat_result


@dataclass
class _Run:
    """A run in progress: the result, the per-file results, and the files still to check."""

    result: LintResult
    results: dict[str, FileResult] = field(default_factory=dict)
    todo: list[_Job] = field(default_factory=list)


def _collect(run: _Run, files: list[str], cache: Cache | None) -> None:
    """Read each file; serve it from the cache, drop it (byte prefilter), or queue it for a check."""
    result = run.result
    for f in files:
        hit = cache.lookup_stat(f) if cache is not None else None
        if hit == "clean":  # unchanged since the last run, and it had no candidate call
            continue
        if hit is not None and _from_cache(run, cache, hit, f):  # type: ignore[arg-type]
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
        digest = _digest(data)
        if cache is not None and _from_cache(run, cache, digest, f):
            cache.record_stat(f, digest, st)
            continue
        run.todo.append(_Job(f, shown, data, digest, st))


def _from_cache(run: _Run, cache: Cache, digest: str, path: str) -> bool:
    deps = cache.results.get(digest, {}).get("deps") or {}
    project = _PROJECTS.for_path(path) if _PROJECTS is not None else None
    if project is not None and any(project.digest_of(p) != d for p, d in deps.items()):
        return False  # a prompt or helper it resolved through has changed: check it again
    if stale(project, cache.results.get(digest, {})):
        return False  # a caller appeared, changed or went
    shown = display_path(path)
    cached = cache.result(digest, shown)
    if cached is None:
        return False
    run.result.candidates += 1
    run.result.cached += 1
    run.results[shown] = cached
    return True


def _check_all(todo: list[_Job], settings: LintSettings,
               words: WordIndexJob | None = None) -> list[dict[str, Any] | None]:
    """Each queued file's result as JSON (None: the :mod:`ast` prefilter dropped it), loaded and
    checked in processes when there are many: the parent only reads and byte-filters (``words``:
    the word index, already being built in a process of its own)."""
    if len(todo) < POOL_MIN_FILES or _jobs(settings) < 2:
        if words is not None:
            words.cancel()  # not needed before the fork: a caller search builds it when it asks
        if not todo:
            return []  # a warm run: the analysis is not even imported
    jobs = _jobs(settings)
    catalog, options = settings.catalog, dict(settings.options)
    if len(todo) < POOL_MIN_FILES or jobs < 2:
        return _in_this_process(todo, catalog, options)
    _prepare_workers()  # while the word index is still being built beside this process
    if _PROJECTS is not None and _PROJECTS.wants_word_index:  # each worker reads its projects' parts
        _PROJECTS.set_word_shelf(words.result() if words is not None else _PROJECTS.shelve_word_index())
    for job in todo:
        job.data = b""  # (read again by the worker that checks it, from the page cache)
    return _in_processes([(j.path, j.shown, j.digest) for j in todo], catalog, options, jobs)


def _in_this_process(todo: list[_Job], catalog: Catalog, options: dict[str, Any]) -> list[dict[str, Any] | None]:
    global _HEAP
    _HEAP = HeapKeeper()
    try:
        return [_load_and_check(j.data, j.shown, catalog, options) for j in todo]
    finally:
        _HEAP = None


def _jobs(settings: LintSettings) -> int:
    return settings.jobs or os.cpu_count() or 1


def _load_and_check(data: bytes, shown: str, catalog: Catalog, options: Mapping[str, Any]) -> dict[str, Any] | None:
    source = load(data, shown, options)
    if source is None:  # the ast prefilter: no call the analysis could report
        return None
    if isinstance(source, FileError):
        return FileResult(shown, error=source).as_json()
    checked = _check_with_index(source, catalog, options, data)
    if _HEAP is not None:
        _HEAP.after_check()
    return checked


def _prepare_workers() -> None:
    """Import the analysis (libcst, the rules) and load the token estimator once, in this process,
    so that the forked workers share them instead of each loading its own (idempotent)."""
    from pytest_tokenbudget.core.tokens import get_estimator
    from pytest_tokenbudget.lint import findings
    from pytest_tokenbudget.lint.analysis import callsites

    assert findings.check_source and callsites.extract_call_sites
    get_estimator()


def _in_processes(todo: list[tuple[str, str, str]], catalog: Catalog, options: dict[str, Any],
                  jobs: int) -> list[dict[str, Any] | None]:
    import concurrent.futures as cf
    import multiprocessing as mp

    _prepare_workers()
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx, initializer=_worker_init,
                                initargs=(catalog, options)) as pool:
        return list(pool.map(_worker, todo, chunksize=max(1, len(todo) // (jobs * 16))))


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Fewer cyclic garbage collections while a run builds and drops syntax trees.

    A run allocates millions of tree nodes (libcst and :mod:`ast`), and the project index keeps
    the :mod:`ast` trees it read, so with the default thresholds (a collection every 700
    allocations) the collector spends a third of a cold run scanning them. The objects alive
    before the run (modules, the catalog) are frozen out of every collection (forked workers
    inherit that, which also keeps their pages shared), and a young-generation collection runs
    every ``GC_ALLOCATIONS`` allocations instead (short-lived garbage cycles are still collected;
    the middle generation, which would rescan everything the index kept, is left for the end).
    The run releases its index itself (:meth:`.Project.close`), and the previous thresholds are
    restored afterwards.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_ALLOCATIONS, 1000, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def lint_paths(paths: Iterable[str | Path], settings: LintSettings) -> LintResult:
    """Lint files and directories. Selection, per-file ignores and suppressions are applied."""
    global _PROJECTS
    try:
        with _few_collections():
            return _lint_paths(paths, settings)
    finally:
        if _PROJECTS is not None:  # a run cut short: its word index file goes too
            _PROJECTS.close()
            _PROJECTS = None
            _LAST.clear()


def _early_word_index(project: ProjectSet, settings: LintSettings, cache: Cache | None) -> WordIndexJob | None:
    """On a cold run in processes, the word index the workers read is built in a process of its own
    while this one discovers and reads the files (it reads the whole project: the longest step
    before the fork), and kept in a file (:mod:`.word_shelf`). A warm run (a cache with results) is
    not cold: it builds it only if needed."""
    if _jobs(settings) < 2 or not project.wants_word_index or (cache is not None and cache.results):
        return None
    project.reserve_shelf()  # (made here: the job only fills it)
    return WordIndexJob.start(ProjectSet.shelve_word_index, project)


def _lint_paths(paths: Iterable[str | Path], settings: LintSettings) -> LintResult:
    settings = settings.with_catalog()
    selection = selection_of(settings)
    skipped: list[tuple[str, str]] = []
    paths = paths if isinstance(paths, (str, Path)) else list(paths)  # read twice: the index's root, discovery
    global _PROJECTS
    cache = Cache.open(settings) if settings.cache else None
    named = [str(p) for p in paths] if not isinstance(paths, (str, Path)) else [str(paths)]
    _PROJECTS = ProjectSet(project_root(named, settings.root), cache.folder if cache is not None else None,
                           named=any(os.path.isdir(p) for p in named))
    words = _early_word_index(_PROJECTS, settings, cache)
    files = discover_files(paths, settings, skipped)
    _PROJECTS.prepare(files)  # every index a file belongs to, made before workers fork
    run = _Run(LintResult([], [FileError(display_path(p), "skip", why) for p, why in skipped], files=len(files)))
    if cache is not None:
        run.result.notices.extend(cache.notices)
    _collect(run, files, cache)
    for job, data in zip(run.todo, _check_all(run.todo, settings, words)):
        if data is None:  # no call the analysis could report
            if cache is not None:
                cache.record_stat(job.path, "clean", job.stat)
            continue
        changed = data.pop("changed", False)  # (since it was read here: its digest is not this result's)
        if cache is not None and not changed:
            cache.record_stat(job.path, job.digest, job.stat)
        _PROJECTS.top.merge(data.pop("index", {}))  # (one store for every index of the run)
        fr = FileResult.from_json(job.shown, data)
        run.result.candidates += 1
        run.result.parsed += 1
        run.results[job.shown] = fr
        if cache is not None and not changed and not _carries_secret(fr):
            cache.store(job.digest, data)
    result = run.result
    for shown, fr in sorted(run.results.items()):
        result.call_sites += fr.call_sites
        if fr.error is not None:
            result.errors.append(fr.error)
        extra = per_file_ignored(settings, Path(shown), _PROJECTS.root)
        result.findings.extend(f for f in fr.findings if not f.code.startswith("TB") or selection.enabled(f.code, extra))
    result.findings.sort(key=Finding.sort_key)
    if cache is not None:
        cache.save()
    _PROJECTS.save()
    _PROJECTS.close()
    _PROJECTS = None
    _LAST.clear()
    return result
