"""``tokenbudget estimate``: arguments and exit codes; the figures and their text / markdown / JSON
renderings come from :mod:`pytest_tokenbudget.lint.estimate`.

This is a report, not a gate: exit 0 whatever it finds (2 only for usage or configuration errors,
e.g. a path that does not exist).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pytest_tokenbudget.core.errors import UserError
from pytest_tokenbudget.core.text import redact

__all__ = ["add_estimate_arguments", "run_estimate"]


def _count(value: str) -> int:
    try:
        n = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of calls, got {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError("calls per day must be >= 0")
    return n


def add_estimate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=None, help="files or directories (default: the project root)")
    parser.add_argument("--format", "--output-format", dest="format", default="text",
                        choices=("text", "json", "markdown"), help="output format (default: text)")
    parser.add_argument("-o", "--output-file", dest="output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--calls-per-day", type=_count, metavar="N",
                        help="project daily and 30-day costs at N calls per day per site (a "
                             "'# tokenbudget: calls-per-day=N' comment on a call's line or the line above wins)")
    parser.add_argument("--savings", action="store_true",
                        help="price the fixes of lint findings (TB101, TB204, TB301, TB401) per call")
    parser.add_argument("--config", metavar="PYPROJECT", help="the pyproject.toml to read (default: nearest)")
    parser.add_argument("--force-exclude", action="store_true",
                        help="apply excludes to files named on the command line too")
    parser.add_argument("--no-respect-gitignore", action="store_true", help="include files .gitignore excludes")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not read or write the project index in .tokenbudget_cache/ (shared with lint)")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: <project>/.tokenbudget_cache)")


def run_estimate(args: argparse.Namespace) -> int:
    from pytest_tokenbudget.core.config import load_config
    from pytest_tokenbudget.lint.api import estimate_paths, settings_from_config
    from pytest_tokenbudget.lint.estimate.render import render_json, render_markdown, render_text

    cfg = load_config(Path.cwd(), path=args.config) if args.config else load_config(Path.cwd())
    settings = settings_from_config(cfg, force_exclude=args.force_exclude or None,
                                    respect_gitignore=False if args.no_respect_gitignore else None,
                                    cache=False if args.no_cache else None,
                                    cache_dir=Path(args.cache_dir) if args.cache_dir else None)
    paths = args.paths or [str(cfg.root)]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UserError(f"no such file or directory: {', '.join(missing)}")
    report = estimate_paths(paths, settings, calls_per_day=args.calls_per_day, savings=args.savings)
    text = {"text": render_text, "markdown": render_markdown, "json": render_json}[args.format](report)
    text = redact(text)  # a key pasted into code (e.g. as the model) is never repeated in a report
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0
