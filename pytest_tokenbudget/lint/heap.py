"""Give a process's freed memory back to the system between two files' checks.

A check builds the file's libcst tree (about 400 bytes per source byte: 113 MB for a 280 KB
module) and the :mod:`ast` trees of the modules its resolution reads. Once the check is over, that
is no longer used but may still be resident: cyclic garbage, which the run's collector thresholds
(:func:`.engine._few_collections`: the middle generation is collected rarely) leave in place for a
long time (:meth:`.ModuleAnalysis.release` breaks the largest such cycle, the scope tree holding the
libcst nodes), and free blocks that glibc's ``malloc`` keeps in its heap instead of returning them.
A worker's resident size so climbed from one large file to the next, and its peak was that climb
plus the next large file's tree. After a check that grew the process by more than
:data:`GROWTH_BYTES` since the last release, :meth:`HeapKeeper.after_check` collects the young and
middle generations and asks glibc to trim its heap (``malloc_trim``). On the 975-repository corpus
tree (three paired cold runs, the same findings) the largest process peaked at 245-282 MB (median
269) instead of 285-305 MB (median 301). It costs about 100 releases of ~30 ms per worker (~3 s of
~100 CPU seconds), within the runs' noise (203-216 CPU seconds either way).

Linux with glibc only (the resident size is read from ``/proc/self/statm``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import os
from collections.abc import Callable

__all__ = ["GROWTH_BYTES", "HeapKeeper", "resident_bytes"]

GROWTH_BYTES = 8 << 20  # growth (since the last release) that is worth a collection and a trim
_STATM = "/proc/self/statm"


def resident_bytes() -> int | None:
    """This process's resident set size, or None where ``/proc`` does not give it."""
    try:
        with open(_STATM, "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (None with another C library: macOS, musl, Windows)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


class HeapKeeper:
    """Releases what the checks freed, once the process has grown by ``growth`` bytes since the
    last release (checking after every file would cost a collection per file for nothing)."""

    def __init__(self, growth: int = GROWTH_BYTES,
                 resident: Callable[[], int | None] = resident_bytes,
                 trim: Callable[[], Callable[[int], int] | None] = _malloc_trim) -> None:
        self.growth, self._resident, self._trim = growth, resident, trim
        self.floor = resident() or 0  # the resident size after the last release
        self.releases = 0

    def after_check(self) -> bool:
        """Collect and trim if the process grew enough since the last release; True if it did."""
        now = self._resident()
        if now is None or now < self.floor + self.growth:
            return False
        trim = self._trim()
        if trim is None:
            return False
        gc.collect(1)  # cyclic garbage the run's thresholds would leave in the middle generation
        trim(0)
        self.releases += 1
        self.floor = self._resident() or now
        return True
