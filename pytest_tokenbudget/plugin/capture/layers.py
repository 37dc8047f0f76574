"""The HTTP stacks beyond httpx (urllib3, http.client, aiohttp): patched as soon as they are imported.

Installing capture imports none of them: a library already imported is patched at once; one that
is not yet is patched right after its first import finishes (a ``sys.meta_path`` finder that
wraps the loader of the watched module names), so a call made at import time of a conftest or a
test module is seen too.
"""

from __future__ import annotations

import importlib
import sys
import threading
from typing import Any

__all__ = ["install", "patched", "uninstall"]

# the module whose import completes the library (what we patch lives in it or is imported by it)
_LAYERS = {
    "http.client": "pytest_tokenbudget.plugin.capture.http_client_patch",
    "urllib3": "pytest_tokenbudget.plugin.capture.urllib3_patch",
    "aiohttp": "pytest_tokenbudget.plugin.capture.aiohttp_patch",
}
_lock = threading.RLock()
_active: dict[str, Any] = {}  # library -> its patch module, once patched
_waiting: set[str] = set()


class _Loader:
    """Delegates to the real loader, then patches the library it just executed."""

    def __init__(self, loader: Any, name: str) -> None:
        self._loader = loader
        self._name = name

    def create_module(self, spec: Any) -> Any:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        _patch(self._name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _Finder:
    """On ``sys.meta_path``: finds nothing itself; wraps the loader of a watched library."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in _waiting:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            try:
                spec = finder.find_spec(name, path, target)
            except Exception:
                continue
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader, name)
                return spec
        return None

    def invalidate_caches(self) -> None:
        pass


_FINDER = _Finder()


def _patch(library: str) -> None:
    with _lock:
        _waiting.discard(library)
        if library in _active:
            return
        try:
            mod = importlib.import_module(_LAYERS[library])
            mod.install()
        except Exception as exc:  # an unexpected library version: say so, never break the import
            from pytest_tokenbudget.plugin.capture.observe import warn_listener_failure
            warn_listener_failure(f"patching {library}", exc)
            return
        _active[library] = mod


def install() -> None:
    """Patch every watched library already imported; watch for the others."""
    with _lock:
        for library in _LAYERS:
            if library in _active:
                continue
            if library in sys.modules or library == "http.client":  # http.client: stdlib, cheap, always patched
                _patch(library)
            else:
                _waiting.add(library)
        if _waiting and _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    with _lock:
        _waiting.clear()
        if _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
        for library, mod in list(_active.items()):
            try:
                mod.uninstall()
            except Exception:  # pragma: no cover - restoring attributes does not fail
                pass
            del _active[library]


def patched() -> list[type]:
    """The classes of the other stacks that carry our wrappers."""
    out: list[type] = []
    for mod in list(_active.values()):
        out += mod.patched()
    return out
