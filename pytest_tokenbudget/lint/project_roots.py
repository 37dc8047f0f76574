"""Where a lint run's project is: its root directory, and whether its whole tree may be searched."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

__all__ = ["github_action", "in_tests", "inner_project", "is_project_folder", "project_root", "script_folders",
           "searchable_root"]

_TEST_FILE = re.compile(r"(^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_tests?|conftest)\.py$")


def project_root(paths: list[str], fallback: Path) -> Path:
    """The directory holding ``pyproject.toml`` above the first path, else the paths' common root."""
    absolute = [os.path.abspath(p) for p in paths] or [str(fallback)]
    try:
        common = os.path.commonpath(absolute)
    except ValueError:
        return fallback
    start = Path(common if os.path.isdir(common) else os.path.dirname(common))
    for d in (start, *start.parents):
        if (d / "pyproject.toml").is_file() or (d / "setup.py").is_file():
            return d
    return start


_RUNS = re.compile(r"^runs\s*:", re.M)


def github_action(root: str) -> bool:
    """``root`` is a GitHub Action: its ``action.yml`` (or ``action.yaml``) has a ``runs:`` key. Its
    code runs as a step of a workflow job that an event started (a pull request waiting for its
    review) and that GitHub stops after six hours, so its requests are live work, not a batch."""
    for name in ("action.yml", "action.yaml"):
        try:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as fh:
                if _RUNS.search(fh.read(65536)):
                    return True
        except OSError:
            continue
    return False


_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", ".gitignore", "requirements.txt", "Pipfile",
            "tox.ini", "environment.yml")


def is_project_folder(folder: str) -> bool:
    """Whether ``folder`` holds a packaging, VCS or requirements marker: a project's own root."""
    return any(os.path.exists(os.path.join(folder, m)) for m in _MARKERS)


def searchable_root(root: str, named: bool = False) -> bool:
    """Whether the whole tree under ``root`` may be searched (callers, loops, byte facts): a project
    (packaging, VCS or requirements marker), a directory the user named, or the working directory
    the user linted in; never ``/``, the home folder or the temp folder (linting ``/tmp/x.py``)."""
    root = os.path.abspath(root)
    home = os.path.expanduser("~")
    if os.path.dirname(root) == root or root in (home, os.path.abspath(tempfile.gettempdir())):
        return False
    if named or is_project_folder(root):
        return True
    cwd = os.getcwd()
    if os.path.dirname(cwd) == cwd or cwd == home:
        return False
    return root == cwd or root.startswith(cwd + os.sep)


def script_folders(folder: str, root: str) -> list[str]:
    """``folder`` and its parents up to (not including) ``root``: where a script's imports start."""
    out = [folder]
    while folder.startswith(root + os.sep) and os.path.dirname(folder) != root:
        folder = os.path.dirname(folder)
        out.append(folder)
    return out


def inner_project(folder: str, root: str) -> str | None:
    """The nearest folder from ``folder`` up to (not including) ``root`` that is a project of its own
    (a copy of an app kept inside a repository, with its own requirements): its scripts run from
    there, so its ``src.prompts`` is its own, not the root's."""
    for f in script_folders(folder, root):
        if f != root and f.startswith(root + os.sep) and is_project_folder(f):
            return f
    return None


def in_tests(path: str, root: str) -> bool:
    """``path`` is test code of the project at ``root`` (under ``tests/``, ``test_*.py``, ``conftest.py``):
    what it registers or implements never reaches a production request."""
    return _TEST_FILE.search(os.path.relpath(path, root).replace(os.sep, "/")) is not None
