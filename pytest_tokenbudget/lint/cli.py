"""``tokenbudget lint`` and ``tokenbudget rules``: argument parsing and exit codes only.

Exit codes (as ruff): 0 no findings, 1 findings (a file that does not parse counts), 2 usage or
configuration error, or a file that could not be read. ``--exit-zero`` turns 1 into 0, never 2.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

__all__ = ["add_lint_arguments", "run_lint", "add_rules_arguments", "run_rules"]


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


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


def run_lint(args: argparse.Namespace) -> int:
    from ..config import load_config
    from .engine import lint_paths, settings_from_config
    from .formats import render
    from .rule import registry

    cfg = load_config(Path.cwd(), path=args.config) if args.config else load_config(Path.cwd())
    if args.jobs is not None and args.jobs < 1:
        from ..cli import UserError

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
    paths = args.paths or [str(cfg.root)]
    result = lint_paths(paths, settings)
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
            Path(args.output).write_text(report, encoding="utf-8")
        except OSError as exc:
            from ..cli import UserError

            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(report)
    if result.read_errors:
        return 2
    if (result.findings or result.errors) and not args.exit_zero:
        return 1
    return 0


def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a rule code or name to explain (default: list all)")
    parser.add_argument("--format", default="text", choices=("text", "json"))


def run_rules(args: argparse.Namespace) -> int:
    import json

    from .rule import get_rule, registry

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
        from ..cli import UserError

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
