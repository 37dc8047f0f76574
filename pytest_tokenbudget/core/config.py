"""``[tool.tokenbudget]`` in pyproject.toml: finding it, validating it, and what it yields.

Shared by the linter and the plugin. Every key is checked: a typo is an error that names the
file, the key and what is allowed, because a silently ignored setting is a wrong answer later.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_tokenbudget.core.catalog import Catalog, CatalogError, shipped_catalog
from pytest_tokenbudget.core.toml import TomlError, load_toml_bytes

__all__ = ["ConfigError", "ProjectConfig", "find_pyproject", "load_config", "parse_size", "LINT_KEYS"]


class ConfigError(ValueError):
    """A configuration file or value that cannot be used as written."""


def _str_list(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise TypeError("a list of strings")
    return list(v)


def _pos_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise TypeError("a whole number >= 1")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError("true or false")
    return v


def _per_file(v: Any) -> dict[str, list[str]]:
    if not isinstance(v, Mapping):
        raise TypeError('a table of "glob" = ["CODE", ...]')
    return {str(k): _str_list(codes) for k, codes in v.items()}


def parse_size(v: Any) -> int:
    """A size in bytes: a whole number, or text such as ``"500k"``, ``"2M"``, ``"3000000"``."""
    if isinstance(v, bool):
        raise TypeError("a size in bytes, or text such as '500k' or '2M'")
    if isinstance(v, int):
        n = float(v)
    elif isinstance(v, str):
        text = v.strip().lower().removesuffix("b")
        scale = {"k": 1024, "m": 1024 * 1024}.get(text[-1:], 1)
        try:
            n = float(text[:-1] if scale != 1 else text) * scale
        except ValueError:
            raise TypeError(f"a size such as '500k', '2M' or 3000000, not {v!r}") from None
    else:
        raise TypeError("a size in bytes, or text such as '500k' or '2M'")
    if n < 0:
        raise TypeError("a size >= 0")
    return int(n)


def _path(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("a path string")
    return v


def _table(v: Any) -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        raise TypeError("a table")
    return v


def _one_of(*options: str) -> Callable[[Any], str]:
    def conv(v: Any) -> str:
        if v not in options:
            raise TypeError(" or ".join(repr(o) for o in options))
        return v

    return conv


# [tool.tokenbudget.lint] keys and their validators. Rule options live here too so that a typo in
# one is caught like any other.
LINT_KEYS: dict[str, Callable[[Any], Any]] = {
    "select": _str_list,
    "ignore": _str_list,
    "extend-select": _str_list,
    "extend-ignore": _str_list,
    "per-file-ignores": _per_file,
    "exclude": _str_list,
    "extend-exclude": _str_list,
    "max-tokens-ceiling": _pos_int,
    "short-answer-max-tokens": _pos_int,
    "require-stop-sequences": _bool,
    "test-code": _one_of("correctness", "all", "skip"),
    "cache": _bool,
    "cache-dir": _path,
    "jobs": _pos_int,
    "max-file-size": parse_size,
}

TOP_KEYS: dict[str, Callable[[Any], Any]] = {
    "unknown-model": _one_of("error", "warn"),
    "models": _table,
    "lint": _table,
}


def _check_keys(table: Mapping[str, Any], schema: Mapping[str, Callable[[Any], Any]], *, where: str,
                section: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in schema:
            close = difflib.get_close_matches(key, list(schema), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"{where}: unknown key {key!r} in [{section}]{hint}; allowed keys: {', '.join(schema)}"
            )
        try:
            out[key] = schema[key](value)
        except TypeError as exc:
            raise ConfigError(f"{where}: [{section}] {key} = {value!r} is not valid: expected {exc}") from None
    return out


@dataclass(frozen=True)
class ProjectConfig:
    """The validated ``[tool.tokenbudget]`` table, with where it came from."""

    path: Path | None = None
    unknown_model: str = "error"
    models: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    lint: Mapping[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The directory of the pyproject.toml (paths in the config are relative to it)."""
        return self.path.parent if self.path else Path.cwd()

    @functools.cached_property
    def catalog(self) -> Catalog:
        """The shipped catalog with this file's model overrides applied."""
        if not self.models:
            return shipped_catalog()
        try:
            return shipped_catalog().with_overrides(self.models, where=str(self.path))
        except CatalogError as exc:
            raise ConfigError(str(exc)) from None


def find_pyproject(start: Path | str | None = None) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.tokenbudget]`` table."""
    here = Path(start or os.getcwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        try:
            data = candidate.read_bytes()
        except OSError:
            continue
        if b"tool.tokenbudget" in data or b'"tokenbudget"' in data:
            return candidate
    return None


def load_config(start: Path | str | None = None, *, path: Path | str | None = None) -> ProjectConfig:
    """Read and validate ``[tool.tokenbudget]`` from ``path`` or the nearest pyproject.toml."""
    found = Path(path) if path else find_pyproject(start)
    if found is None:
        return _EMPTY
    try:
        st = found.stat()
    except OSError as exc:
        raise ConfigError(f"{found}: cannot read: {exc.strerror}") from None
    return _load(str(found.resolve()), st.st_mtime_ns, st.st_size)


_EMPTY = ProjectConfig()


@functools.lru_cache(maxsize=32)
def _load(path: str, _mtime: int, _size: int) -> ProjectConfig:
    where = path
    try:
        data = load_toml_bytes(Path(path).read_bytes(), where=where)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror}") from None
    except TomlError as exc:
        raise ConfigError(str(exc)) from None
    table = data.get("tool", {}).get("tokenbudget", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: [tool.tokenbudget] must be a table")
    top = _check_keys(table, TOP_KEYS, where=where, section="tool.tokenbudget")
    lint = _check_keys(top.get("lint", {}), LINT_KEYS, where=where, section="tool.tokenbudget.lint")
    cfg = ProjectConfig(
        path=Path(path),
        unknown_model=top.get("unknown-model", "error"),
        models=dict(top.get("models", {})),
        lint=lint,
    )
    cfg.catalog  # noqa: B018 - validate model overrides now, so the error surfaces at load time
    return cfg


def get_catalog(start: Path | str | None = None) -> Catalog:
    """The shipped catalog with the overrides of the nearest pyproject.toml above ``start`` (cwd)."""
    return load_config(start).catalog
