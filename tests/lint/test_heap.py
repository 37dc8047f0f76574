"""The heap keeper: what a check freed goes back to the system once the process grew enough."""

from __future__ import annotations

import gc
import platform
import sys

import pytest

from pytest_tokenbudget.lint.heap import GROWTH_BYTES, HeapKeeper, resident_bytes

MB = 1 << 20


class _Process:
    """Resident sizes read in turn, and the trims and collections asked for."""

    def __init__(self, *sizes: int) -> None:
        self.sizes, self.trims = list(sizes), []

    def resident(self) -> int | None:
        return self.sizes.pop(0)

    def trim(self):
        return self.trims.append


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: seen.append(generation) or 0)
    return seen


def test_a_check_that_grew_the_process_past_the_threshold_is_followed_by_a_collection_and_a_trim(collections):
    proc = _Process(100 * MB, 100 * MB + GROWTH_BYTES, 90 * MB)
    keeper = HeapKeeper(resident=proc.resident, trim=proc.trim)
    assert keeper.after_check() is True
    assert collections == [1] and proc.trims == [0]  # the young and middle generations, then malloc_trim(0)
    assert keeper.floor == 90 * MB  # the next release is measured from what is left after this one


def test_growth_below_the_threshold_releases_nothing(collections):
    proc = _Process(100 * MB, 100 * MB + GROWTH_BYTES - 1)
    keeper = HeapKeeper(resident=proc.resident, trim=proc.trim)
    assert keeper.after_check() is False
    assert collections == [] and proc.trims == [] and keeper.floor == 100 * MB


def test_growth_is_counted_from_the_last_release_not_from_the_start(collections):
    proc = _Process(100 * MB, 120 * MB, 110 * MB, 115 * MB, 119 * MB, 112 * MB)
    keeper = HeapKeeper(resident=proc.resident, trim=proc.trim)
    assert [keeper.after_check(), keeper.after_check(), keeper.after_check()] == [True, False, True]
    assert keeper.releases == 2 and proc.trims == [0, 0]


def test_without_glibc_or_proc_it_does_nothing(collections):
    no_trim = HeapKeeper(resident=_Process(0, 500 * MB).resident, trim=lambda: None)  # macOS, musl, Windows
    no_proc = HeapKeeper(resident=lambda: None, trim=_Process().trim)
    assert no_trim.after_check() is False and no_proc.after_check() is False
    assert collections == []


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim and /proc/self/statm are Linux glibc's")
def test_freed_blocks_go_back_to_the_system_on_linux():
    from pytest_tokenbudget.lint.heap import _malloc_trim

    gc.collect()
    _malloc_trim()(0)  # start from a trimmed heap: the blocks below must take fresh pages, not reuse free ones
    keeper = HeapKeeper()
    blocks = [bytes(1000) + i.to_bytes(4, "little") for i in range(40_000)]  # ~40 MB of malloc'd blocks
    kept = blocks[::50]  # what a check leaves alive among its garbage: the heap cannot shrink from its top
    del blocks
    held = resident_bytes()
    grown = held - keeper.floor  # (less than 40 MB when the blocks filled holes an earlier test left)
    assert keeper.after_check() is True
    assert held - resident_bytes() > grown // 2  # without the trim: nothing comes back
    assert len(kept) == 800


MODULE = '''
import anthropic

client = anthropic.Anthropic()


class Reader:
    def __init__(self):
        self.model = "claude-haiku-4-5"

    def read(self, page):
        def ask(text):
            return client.messages.create(model=self.model, messages=[{"role": "user", "content": text}])
        return ask(page)
'''


def _scopes(analysis) -> list:
    out, todo = [], [analysis.builder.module_scope]
    while todo:
        scope = todo.pop()
        out.append(scope)
        todo.extend(b.scope for bs in scope.bindings.values() for b in bs if b.scope is not None)
    return out


@pytest.mark.parametrize("released", [True, False])
def test_a_released_analysis_is_freed_without_a_garbage_collection(released):
    import weakref

    import libcst as cst

    from pytest_tokenbudget.lint.analysis.callsites import analyse_module

    analysis = analyse_module(cst.parse_module(MODULE))
    scopes = [weakref.ref(s) for s in _scopes(analysis)]
    assert len(scopes) == 5  # the module, the class, its two methods and the nested def
    if released:
        analysis.release()
    gc.disable()
    try:
        del analysis
        alive = [r for r in scopes if r() is not None]
    finally:
        gc.enable()
    # released: reference counts free every scope (and the libcst nodes they hold) at once; not
    # released: each scope waits in a cycle (its parent's binding holds it, it names the parent)
    assert (alive == []) is released


def test_each_check_releases_its_analysis(monkeypatch):
    from pytest_tokenbudget.lint import lint_source
    from pytest_tokenbudget.lint.analysis.bindings import ModuleAnalysis

    released = []
    original = ModuleAnalysis.release
    monkeypatch.setattr(ModuleAnalysis, "release", lambda self: released.append(self) or original(self))
    findings = lint_source(MODULE, path="reader.py")
    assert released and all(s.builder.module_scope.bindings == {} for s in released)
    assert [f.code for f in findings] == ["TB201"]  # made before the release (no max_tokens)


def test_a_run_offers_a_release_after_each_file_it_checks(tmp_path, monkeypatch):
    from pytest_tokenbudget.lint import lint_paths
    from pytest_tokenbudget.lint.settings import LintSettings

    offered = []
    monkeypatch.setattr(HeapKeeper, "after_check", lambda self: offered.append(self) or False)
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(MODULE)
    (tmp_path / "c.py").write_text("print('no request here')\n")
    result = lint_paths([tmp_path], LintSettings(root=tmp_path, cache=False, jobs=1))
    assert sorted(f.code for f in result.findings) == ["TB201", "TB201"]
    assert len(offered) == 2  # a.py and b.py: c.py never reached the analysis
