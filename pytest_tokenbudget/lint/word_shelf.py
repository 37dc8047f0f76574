"""The word index of a folder of projects, kept in a file while a pooled run checks its files.

A cold run in processes needs each project's word index (:mod:`.word_index`) in the worker that
checks that project's files. Handing the workers the whole index by fork meant every worker held
every project's part, although it only ever looks at the project it is in: on the 903-repository
corpus tree the run's process forked at 170 MB instead of 112 MB, and each worker kept those 58 MB
on top of its own index. The job that builds the index writes each part to one file instead, and a
worker reads the part of a project when it first asks it a question (and drops it when it leaves
that project). The run removes the file when it ends.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["WordShelf", "reserve"]

Part = dict[str, Sequence[str]]


def reserve() -> str:
    """A new empty file for a shelf (made by the run's process, so it can remove it whatever the
    job that fills it does)."""
    fd, path = tempfile.mkstemp(prefix="tokenbudget-words-", suffix=".pickle")
    os.close(fd)
    return path


@dataclass(frozen=True)
class WordShelf:
    """Where each project's part lies in the shelf file: project root -> (offset, length)."""

    path: str
    spans: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def write(cls, parts: Mapping[str, Part], path: str) -> WordShelf:
        spans: dict[str, tuple[int, int]] = {}
        with open(path, "wb") as out:
            for root, part in parts.items():
                data = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
                spans[root] = (out.tell(), len(data))
                out.write(data)
        return cls(path, spans)

    def part(self, root: str) -> Part:
        """The part of the project at ``root`` (empty: no file of that project names any word)."""
        if root not in self.spans:
            return {}
        offset, length = self.spans[root]
        with open(self.path, "rb") as f:
            f.seek(offset)
            data = f.read(length)
        if len(data) != length:
            raise OSError(f"the word index file {self.path} was cut short while the run read it")
        return pickle.loads(data)  # noqa: S301 - written by this run, in a file only it knows

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)
