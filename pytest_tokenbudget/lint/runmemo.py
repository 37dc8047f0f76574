"""Project-wide answers computed once per run, with the files they relied on.

:meth:`.project.Project.remember` keeps an answer for the run (and a tracked project replays the
word-index lookups it made); an answer that evaluated another module's values also added that
module to ``project.deps`` (the files the checked file's cached result depends on). A second file
served from the memo must record the same files, so :func:`remember_with_deps` keeps them with the
answer and adds them again on every use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["remember_with_deps"]

T = TypeVar("T")


def remember_with_deps(project: Project, memo: str, key: Any, compute: Callable[[], T]) -> T:
    """``compute()`` once per run and ``key``; each use adds the files it relied on to ``project.deps``."""

    def run() -> tuple[T, dict[str, str]]:
        outer, project.deps = project.deps, {}
        try:
            value = compute()
        finally:
            mine, project.deps = project.deps, outer
        return value, mine

    value, deps = project.remember(memo, key, run)
    project.deps.update(deps)
    return value
