"""Suite-wide: keep the garbage collector's full collections cheap; import importlib_metadata first.

After collection this process holds every test module, pytest, the SDKs, libcst and hypothesis:
over a million tracked objects that are never garbage. ``gc.collect()`` walks all of them every
time -- in tests that drop streams and collect, and in the plugin's own end-of-run collection
inside every in-process pytester run -- about 0.1-0.5 s each. ``gc.freeze()`` moves what exists
now into the permanent generation, so a collection walks only what was made after it: every
object a test creates is still collected (and finalised) exactly as before.
"""

from __future__ import annotations

import gc

import pytest

try:  # anthropic -> opentelemetry -> the importlib_metadata backport, whose import deletes the stdlib
    # PathFinder.find_distributions and puts its own finder on sys.meta_path. Done first inside an in-process
    # pytester run, pytester's restore of sys.meta_path drops that finder and every later in-process run of
    # this process loads no plugin entry points ("unrecognized arguments: --token-budget-..."). Here, once,
    # the backport's finder is on sys.meta_path before any snapshot is taken.
    import importlib_metadata  # noqa: F401
except ImportError:
    pass


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()  # what collection already dropped is freed now, not frozen
    gc.freeze()


def pytest_unconfigure(config: pytest.Config) -> None:
    gc.unfreeze()
