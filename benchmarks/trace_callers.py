"""Why TB401 does or does not take a loop: the caller search of one project, printed as it runs.

    python benchmarks/trace_callers.py PROJECT [--only TEXT] [--also MODULE:FUNCTION ...]

Lints PROJECT (a repository snapshot) with TB401 alone, in one process, and prints on stderr each
call of :func:`pytest_tokenbudget.lint.callers._loop_callers` (the search from a function up to
the loops that call it) and ``_scan`` (one file's calls of it), indented by depth, with what each
returned; ``--also`` adds any other function to the trace (``pytest_tokenbudget.lint.callers:live``,
``pytest_tokenbudget.lint.livework:_ui_only``), ``--only`` keeps the calls whose arguments mention
TEXT (a function's name). The findings go to stdout. A tool for reading one miss or false alarm of
the real-world corpus, not a benchmark: it patches the module functions it traces.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import sys
from pathlib import Path
from typing import Any, Callable


def traced(module: Any, name: str, only: str, depth: list[int]) -> None:
    """Replace ``module.name`` by a wrapper that prints its calls and results."""
    inner: Callable[..., Any] = getattr(module, name)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        shown = [a for a in args if isinstance(a, (str, int, frozenset, tuple))][:6]
        show = not only or any(only in str(a) for a in args)
        pad = "  " * depth[0]
        if show:
            print(f"{pad}> {name} {shown}", file=sys.stderr)
        depth[0] += 1
        try:
            result = inner(*args, **kwargs)
        finally:
            depth[0] -= 1
        if show:
            print(f"{pad}< {name} -> {result[:5] if isinstance(result, list) else result}", file=sys.stderr)
        return result

    setattr(module, name, wrapper)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--only", default="", help="trace only calls whose arguments mention this text")
    ap.add_argument("--also", nargs="*", default=[], metavar="MODULE:FUNCTION", help="more functions to trace")
    args = ap.parse_args()
    from pytest_tokenbudget.lint import callers
    from pytest_tokenbudget.lint.engine import lint_paths
    from pytest_tokenbudget.lint.settings import LintSettings

    depth = [0]
    for spec in args.also:
        module, _, name = spec.partition(":")
        traced(importlib.import_module(module), name, args.only, depth)
    traced(callers, "_loop_callers", args.only, depth)
    traced(callers, "_scan", args.only, depth)
    root = args.project.resolve()
    result = lint_paths([root], LintSettings(root=root, exclude=("__pycache__", ".git"), cache=False, jobs=1,
                                             select=("TB401",)))
    for f in result.findings:
        print(f"{f.path}:{f.line}: {f.code} {f.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
