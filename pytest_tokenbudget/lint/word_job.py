"""A computation started in a forked process of its own, whose result the run collects later.

A cold run in processes needs the project's word index (:func:`.word_index.build_word_index`) ready
before its workers fork; building it means reading every module of the project, the longest serial
step of the run. :class:`WordIndexJob` builds it on the second core while the run discovers and
reads the files it lints. The run's job writes the index to a file, one part per project
(:mod:`.word_shelf`), and hands back only where each part lies, pickled through a pipe. Where no
fork is available, or the process cannot start, the result is computed in this process when it is
asked for, so the answer never depends on how it was computed.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from typing import Any

__all__ = ["WordIndexJob"]


class WordIndexJob:
    """``fn(arg)`` computing in a forked process; :meth:`result` waits for it, :meth:`cancel` stops it."""

    def __init__(self, fn: Callable[[Any], Any], arg: Any, process: Any = None, conn: Any = None) -> None:
        self._fn, self._arg, self._process, self._conn = fn, arg, process, conn

    @classmethod
    def start(cls, fn: Callable[[Any], Any], arg: Any) -> WordIndexJob:
        if "fork" not in mp.get_all_start_methods():
            return cls(fn, arg)
        ctx = mp.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_run, args=(fn, arg, send), name="tokenbudget-word-index", daemon=True)
        try:
            process.start()
        except Exception:  # noqa: BLE001 - no process to spare (a daemon may not have children): computed when asked
            receive.close()
            send.close()
            return cls(fn, arg)
        send.close()  # the child's end: EOF here if the child dies without sending
        return cls(fn, arg, process, receive)

    def result(self) -> Any:
        """The result (computed here if the process could not deliver it)."""
        if self._process is not None:
            try:
                ok, value = self._conn.recv()
            except (EOFError, OSError):
                ok, value = False, None
            finally:
                self._finish(stop=False)
            if ok:
                return value
        return self._fn(self._arg)

    def cancel(self) -> None:
        """Stop the process, if any (the run does not need the result before it forks)."""
        if self._process is not None:
            self._finish(stop=True)

    def _finish(self, *, stop: bool) -> None:
        process, self._process = self._process, None
        self._conn.close()
        if stop and process.is_alive():
            process.terminate()
        process.join()


def _run(fn: Callable[[Any], Any], arg: Any, conn: Any) -> None:
    try:
        value = (True, fn(arg))
    except BaseException:  # noqa: BLE001 - the parent computes it itself and sees the error there
        value = (False, None)
    try:
        conn.send(value)
    finally:
        conn.close()
