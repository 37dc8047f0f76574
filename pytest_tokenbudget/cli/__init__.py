"""The ``tokenbudget`` command: a thin dispatcher over subcommands that live with their layer.

Each subcommand module exposes ``add_<name>_arguments(parser)`` and ``run_<name>(args) -> int``;
only the module of the command being run is imported, so ``tokenbudget prices`` does not pay for
libcst. User errors print one line on stderr and exit 2 (no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "lint": ("pytest_tokenbudget.cli.lint", "find costly Claude API calls in Python code (exit 1 on findings)"),
    "rules": ("pytest_tokenbudget.cli.lint", "list the lint rules, or explain one (tokenbudget rules TB101)"),
    "estimate": ("pytest_tokenbudget.cli.estimate", "static cost map: best/worst case per call site"),
    "prices": ("pytest_tokenbudget.cli.prices", "show the model price catalog as the tool sees it"),
    "cost": ("pytest_tokenbudget.cli.prices", "price a usage by hand"),
    "report": ("pytest_tokenbudget.cli.report", "render, compare or merge --token-budget-json reports"),
}

EXIT_USAGE = 2


from pytest_tokenbudget.core.errors import UserError  # noqa: E402  (re-exported for subcommands)


def _user_errors() -> tuple[type[BaseException], ...]:
    from pytest_tokenbudget.core.catalog import CatalogError, UnknownModelError
    from pytest_tokenbudget.core.config import ConfigError
    from pytest_tokenbudget.core.cost import PricingError
    from pytest_tokenbudget.core.usage import MalformedUsageError

    return (UserError, ConfigError, CatalogError, UnknownModelError, PricingError, MalformedUsageError)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tokenbudget",
        description="Catch avoidable Claude API spend: lint costly calls, price usage, report test spend.",
    )
    from pytest_tokenbudget.core.version import __version__

    parser.add_argument("--version", action="version", version=f"tokenbudget {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == only:
            getattr(importlib.import_module(module), f"add_{name}_arguments")(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    # Configure only the chosen command's arguments: the others' modules need not be imported.
    parser = build_parser(only=chosen if chosen in COMMANDS else "")
    args = parser.parse_args(args_list)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return getattr(module, f"run_{args.command}")(args)
    except _user_errors() as exc:
        print(f"tokenbudget {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `tokenbudget prices | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
