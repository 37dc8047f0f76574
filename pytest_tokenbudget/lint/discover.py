"""File discovery: paths -> the ``.py`` / ``.ipynb`` files to lint.

Directories are walked with :func:`os.scandir`. Skipped: the default excludes (as ruff: VCS and
tool directories, virtualenvs, ``site-packages`` below the given root, build output; unlike ruff, a
``build``/``dist`` folder that is a package, with an ``__init__.py``, is source: ``pipeline/build/``
imported as ``pipeline.build``), the
``exclude`` / ``extend-exclude`` globs of ``[tool.tokenbudget.lint]`` (gitignore-style, relative
to the project root), and whatever ``.gitignore`` files in the walked tree ignore. Files named
explicitly on the command line are always linted unless ``force_exclude`` is set (pre-commit).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


__all__ = ["BUILD_OUTPUT", "DEFAULT_EXCLUDE", "GlobSet", "discover", "file_kind", "is_package"]

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
    ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
    "__pypackages__", "__pycache__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages",
    "venv", ".tokenbudget_cache",
)
EXTENSIONS = (".py", ".pyi", ".ipynb")
BUILD_OUTPUT = frozenset({"build", "dist", "_build"})  # default excludes a package of that name is not


def is_package(folder: str) -> bool:
    """``folder`` holds an ``__init__.py``: build output never does at its top (``build/lib/...``)."""
    return os.path.isfile(os.path.join(folder, "__init__.py"))


class GlobSet:
    """Gitignore-style patterns (``!`` negation, trailing ``/`` = directories only, a ``/`` inside
    anchors the pattern at ``base``, ``**``), matched with :mod:`pathspec` against paths relative
    to ``base``."""

    def __init__(self, patterns: Iterable[str], base: Path) -> None:
        self.base = base
        lines = [p for p in patterns if p.strip() and not p.lstrip().startswith("#")]
        self.spec = None
        self.any_include: re.Pattern[str] | None = None  # built once the set has been asked enough
        self.asked = 0
        self.negations = False
        if lines:  # pathspec costs ~40 ms to import: only when there is a pattern to match
            import pathspec

            self.spec = pathspec.GitIgnoreSpec.from_lines(lines)
            self.negations = any(p.include is False for p in self.spec.patterns)

    def __bool__(self) -> bool:
        return self.spec is not None and any(p.include is not None for p in self.spec.patterns)

    def matches(self, path: Path | str, is_dir: bool) -> bool:
        """Whether ``path`` (absolute, or relative as ``base`` is) is ignored."""
        if self.spec is None:
            return False
        path, base = os.fspath(path), os.fspath(self.base)
        if path == base:
            return False
        if path.startswith(base) and path[len(base):len(base) + 1] == os.sep:
            rel = path[len(base) + 1:]  # (a walk asks for every folder: no pathlib on this path)
        else:
            try:
                rel = str(Path(path).relative_to(self.base))
            except ValueError:
                return False
        rel = rel.replace(os.sep, "/") if os.sep != "/" else rel
        if rel in (".", ""):
            return False
        rel = rel + "/" if is_dir else rel
        self.asked += 1
        if self.asked == _ONE_REGEX_AFTER:  # a big folder tree: worth compiling the patterns as one
            self.any_include = _one_regex(self.spec)
        if self.any_include is not None and self.any_include.search(rel) is None:
            return False  # no pattern that ignores matches (what a negation re-includes needs one first)
        return self.spec.match_file(rel) if self.negations or self.any_include is None else True


_ONE_REGEX_AFTER = 256  # paths asked of one .gitignore before its patterns are compiled as one regex


def _one_regex(spec: Any) -> re.Pattern[str] | None:
    """One regex for every pattern of ``spec`` that ignores: matched in C at once where pathspec
    tries each pattern in turn (a repository's 170-line .gitignore over 23,000 asset folders took
    most of a warm run). None when a pattern is not a plain regex (a future pathspec)."""
    parts = []
    for p in spec.patterns:
        if p.include is not True:
            continue
        regex = getattr(p, "regex", None)
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
            return None
        parts.append("(?:" + re.sub(r"\(\?P<\w+>", "(?:", regex.pattern) + ")")
    try:
        return re.compile("|".join(parts)) if parts else re.compile(r"(?!)")
    except re.error:
        return None


def _gitignore(folder: Path) -> GlobSet | None:
    try:
        text = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    gs = GlobSet(text.splitlines(), folder)
    return gs or None


def file_kind(mode: int) -> str:
    import stat

    return ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a regular file" if stat.S_ISREG(mode) else "not a file")


def _not_regular(entry: os.DirEntry[str]) -> str | None:
    """What a walked entry is when it is neither a regular file nor a link that cannot be followed
    (loops and dangling links are yielded: the engine reports them)."""
    import stat

    try:
        if entry.is_file():
            return None
        mode = entry.stat().st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else file_kind(mode)


def _dir_id(p: os.DirEntry[str] | Path) -> tuple[int, int]:
    try:
        st = p.stat()  # follows symlinks: a link and its target are the same folder
    except OSError:
        return (-1, id(p))
    return (st.st_dev, st.st_ino)


def _links_back(entry: os.DirEntry[str], ancestors: tuple[str, ...], ids: dict[str, tuple[int, int]]) -> bool:
    """``entry`` is a symbolic link to one of the folders being walked (a loop). Only a link can
    close a loop, so only a link's target and its ancestors are stat'ed (once each per run): a
    tree of plain folders (tens of thousands in some repositories) costs no stat at all."""
    try:
        if not entry.is_symlink():
            return False
    except OSError:
        return False
    target = _dir_id(entry)
    for folder in ancestors:
        if folder not in ids:
            ids[folder] = _dir_id(Path(folder))
        if ids[folder] == target:
            return True
    return False


def _named_out(name: str, path: str, is_dir: bool, names: set[str], sources: frozenset[str]) -> bool:
    """An excluded name (``.venv``, ``build``); a default build-output name (``sources``) yields to a package."""
    return name in names and not (is_dir and name in sources and is_package(path))


def discover(paths: Iterable[str | Path], *, root: Path, exclude: Iterable[str] = DEFAULT_EXCLUDE,
             extend_exclude: Iterable[str] = (), respect_gitignore: bool = True,
             force_exclude: bool = False, skipped: list[tuple[str, str]] | None = None) -> Iterator[str]:
    """Files to lint under ``paths`` (a file given explicitly is yielded even if excluded).

    Directory symlinks are followed, except one that leads back to a folder being walked (a loop):
    it is not entered, and ``(path, reason)`` is appended to ``skipped`` when a list is given.
    """
    names = {e for e in (*exclude, *extend_exclude) if "/" not in e and not any(ch in e for ch in "*?[!")}
    # (only the defaults yield to a package: a name the user excludes is excluded)
    sources = BUILD_OUTPUT - set(extend_exclude) if tuple(exclude) == DEFAULT_EXCLUDE else frozenset()
    globs = GlobSet([e for e in (*exclude, *extend_exclude) if e not in names], root)
    root_ignores = [g for g in (_gitignore(root),) if g] if respect_gitignore else []
    seen: set[str] = set()

    def excluded(p: Path | str, is_dir: bool, ignores: list[GlobSet]) -> bool:
        if _named_out(os.path.basename(p), os.fspath(p), is_dir, names, sources):
            return True
        if globs and globs.matches(p if os.path.isabs(p) else Path(p).resolve(), is_dir):
            return True
        return any(g.matches(p, is_dir) for g in ignores)

    for given in paths:
        p = Path(given)
        if not p.exists():
            yield str(p)  # reported as unreadable by the engine
            continue
        if p.is_file():
            if force_exclude and (any(part in names for part in p.absolute().parts[:-1])
                                  or excluded(p.absolute(), False, root_ignores)):
                continue
            key = str(p)
            if key not in seen:
                seen.add(key)
                yield key
            continue
        ids: dict[str, tuple[int, int]] = {}  # folder -> (device, inode), asked only about a link's ancestors
        stack: list[tuple[Path, list[GlobSet], tuple[str, ...]]] = [(p.absolute(), root_ignores, (str(p),))]
        while stack:
            folder, ignores, ancestors = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            if respect_gitignore and any(e.name == ".gitignore" for e in entries):
                local = _gitignore(folder.absolute())
                if local is not None and (not root_ignores or local.base != root_ignores[0].base):
                    ignores = [*ignores, local]
            subdirs = []
            filtering = bool(globs or ignores)
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:  # e.g. a symbolic link loop: the engine reports it as a file it cannot read
                    is_dir = False
                if is_dir:
                    if _named_out(entry.name, entry.path, True, names, sources) or (
                            filtering and excluded(os.path.abspath(entry.path), True, ignores)):
                        continue
                    if _links_back(entry, ancestors, ids):
                        if skipped is not None:
                            skipped.append((entry.path, "skipped: symbolic link loop (the directory links back "
                                                        "to a folder that contains it)"))
                        continue
                    subdirs.append((Path(entry.path), ignores, (*ancestors, entry.path)))
                elif entry.name.endswith(EXTENSIONS):
                    if entry.name in names or (filtering and excluded(os.path.abspath(entry.path), False, ignores)):
                        continue
                    odd = _not_regular(entry)
                    if odd is not None:  # a FIFO would block whoever reads it (lint, estimate)
                        if skipped is not None:
                            skipped.append((entry.path, f"skipped: not a regular file ({odd})"))
                        continue
                    key = entry.path
                    if key not in seen:
                        seen.add(key)
                        yield key
            stack.extend(reversed(subdirs))
