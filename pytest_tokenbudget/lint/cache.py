"""The lint cache in ``.tokenbudget_cache/`` (at the project root, or ``cache-dir``).

Layout::

    .tokenbudget_cache/
      .gitignore            "*"  (the cache ignores itself; no need to edit the project's .gitignore)
      CACHEDIR.TAG          marks it for backup tools
      v<version>/stat.json  path -> [mtime_ns, size, content hash | "clean"]
      v<version>/results-<settings>.json   content hash -> per-file result

Per-file results are keyed by the file's content hash (blake2b) and by a fingerprint of the
settings that change verdicts (rule options, catalog rows, estimator, tool version, rule set).
The stat index lets a warm run skip reading files whose mtime and size are unchanged; files the
prefilter rejected are recorded as "clean". Writes are atomic (temp file + ``os.replace``), so a
process killed mid-write leaves the previous file intact (its temp file is removed by a later run
after an hour); an unreadable or corrupt cache file is discarded with a notice
(``Cache.notices``, printed on stderr by the CLI) and rebuilt. Results whose fixes would carry a
key-shaped string are not cached (``core.text.SECRET_PATTERN``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.text import atomic_write
from pytest_tokenbudget.lint.results import FileResult

__all__ = ["Cache", "CACHE_DIR_NAME", "cache_folder", "mark", "prepared_folder"]

CACHE_DIR_NAME = ".tokenbudget_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file marks a cache directory (tokenbudget lint).\n"


def _load_json(path: Path, notices: list[str]) -> dict[str, Any]:
    """A cache file's JSON object; ``{}`` when it is missing. A corrupt or unreadable file (a crash
    of an older version, a full disk, a hand edit) is discarded with a notice: it is rebuilt."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        notices.append(f"discarded unreadable cache file {path} ({getattr(exc, 'strerror', None) or exc}); "
                       "it is rebuilt")
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        notices.append(f"discarded corrupt cache file {path}; it is rebuilt")
        return {}
    return data


def _remove_stale_temp_files(folder: Path, max_age: float = 3600.0) -> None:
    """Temp files of writers that were killed before their ``os.replace`` (never read; just litter)."""
    import time

    try:
        entries = list(folder.glob(".*.tmp"))
    except OSError:
        return
    now = time.time()
    for tmp in entries:
        try:
            if now - tmp.stat().st_mtime > max_age:
                tmp.unlink()
        except OSError:
            pass


def _base(settings: Any) -> Path:
    return Path(settings.cache_dir or (settings.root / CACHE_DIR_NAME))


def _versioned(base: Path) -> Path:
    from pytest_tokenbudget.core.version import __version__

    return base / f"v{__version__}"


def cache_folder(settings: Any) -> Path:
    """This version's cache folder for ``settings``: where ``lint`` keeps its results and the
    project index (``index.json``) that ``estimate`` reads and fills too."""
    return _versioned(_base(settings))


def mark(base: Path) -> None:
    """Create the cache folder with its ``.gitignore`` (``*``) and ``CACHEDIR.TAG`` (OSError: a
    read-only tree)."""
    base.mkdir(parents=True, exist_ok=True)
    gi = base / ".gitignore"
    if not gi.exists():
        atomic_write(gi, "# Created by tokenbudget lint\n*\n")
    tag = base / "CACHEDIR.TAG"
    if not tag.exists():
        atomic_write(tag, _TAG)


def prepared_folder(settings: Any) -> Path | None:
    """:func:`cache_folder`, created and marked, for a command that only fills the project index
    (``estimate``); None when the cache is off or the folder cannot be written."""
    if not settings.cache:
        return None
    try:
        mark(_base(settings))
    except OSError:
        return None
    return cache_folder(settings)


class Cache:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.base = folder
        self.folder = _versioned(folder)
        self.stat_path = self.folder / "stat.json"
        self.results_path = self.folder / f"results-{fingerprint}.json"
        self.notices: list[str] = []
        raw_stat = _load_json(self.stat_path, self.notices)
        self.stat: dict[str, list[Any]] = {k: v for k, v in raw_stat.items()
                                           if isinstance(v, list) and len(v) == 3}
        raw = _load_json(self.results_path, self.notices)
        self.results: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, dict)}
        self.used: dict[str, Any] = {}
        self.new_stat: dict[str, list[Any]] = {}
        self.dirty = False

    @classmethod
    def open(cls, settings: Any) -> Cache:
        return cls(_base(settings), settings.fingerprint())

    # ------------------------------------------------------------------ stat index
    @staticmethod
    def _key(path: str) -> str:
        return path if os.path.isabs(path) else os.path.abspath(path)

    def lookup_stat(self, path: str) -> str | None:
        """The recorded content hash (or "clean") if the file's mtime and size are unchanged."""
        key = self._key(path)
        entry = self.stat.get(key)
        if entry is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if entry[0] == st.st_mtime_ns and entry[1] == st.st_size and isinstance(entry[2], str):
            self.new_stat[key] = entry
            return entry[2]
        return None

    def record_stat(self, path: str, digest: str, st: os.stat_result | None = None) -> None:
        if st is None:
            try:
                st = os.stat(path)
            except OSError:
                return
        self.new_stat[self._key(path)] = [st.st_mtime_ns, st.st_size, digest]
        self.dirty = True

    # ------------------------------------------------------------------ results
    def result(self, digest: str, shown_path: str) -> FileResult | None:
        data = self.results.get(digest)
        if data is None:
            return None
        try:
            fr = FileResult.from_json(shown_path, data)
        except (KeyError, TypeError, ValueError):
            self.results.pop(digest, None)
            return None
        self.used[digest] = data
        return fr

    def store(self, digest: str, data: dict[str, Any]) -> None:
        self.used[digest] = data
        self.dirty = True

    def save(self) -> None:
        """Write the stat index and the results atomically. Results are kept while some file's stat
        entry still points at them (so linting one file does not evict the others)."""
        stat = {**self.stat, **self.new_stat}
        live = {e[2] for e in stat.values()}
        self.used = {**{d: r for d, r in self.results.items() if d in live}, **self.used}
        if not self.dirty and len(self.used) == len(self.results) and len(stat) == len(self.stat):
            return  # a fully warm run: nothing to write
        try:
            mark(self.base)
            atomic_write(self.stat_path, json.dumps(stat, separators=(",", ":")))
            atomic_write(self.results_path, json.dumps(self.used, separators=(",", ":")))
            _remove_stale_temp_files(self.folder)
        except OSError:
            pass  # a read-only tree: lint without a cache
