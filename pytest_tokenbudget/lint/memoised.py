"""Whether a function keeps its answers, so that a loop over it is not batching advice (TB401).

A cache decorator (``@lru_cache``, ``@memoize``) or a body that returns early on a hit of an
in-memory cache makes a repeat within the run free. A cache kept on disk or in a database
(``if cache_path.exists(): return json.loads(...)``) is a checkpoint instead: a rerun resumes where it
stopped, but the first run still sends one request per item (FemPrompt_SozArb's concept extraction
over 249 documents), so it does not silence the rule.
"""

from __future__ import annotations

import ast

from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["memoised"]

Def = ast.FunctionDef | ast.AsyncFunctionDef


def memoised(fn: Def, tree: ast.Module | None = None) -> bool:
    """A function whose answers are kept: a cache decorator (``@lru_cache``, ``@memoize``), or a body
    that returns early on a cache hit (``if key in self._cache: return ...``; ``cached =
    self._cache_get(key)`` then ``if cached is not None: return ...``): a repeat costs nothing. Not a
    cache on disk or in a database (:func:`_on_disk`, also through a helper of ``tree``, the module, or
    a method of one of its classes: ``self.cache.get(...)`` whose ``get`` runs an SQL query)."""
    helpers = {st.name: st for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))} \
        if tree is not None else {}
    methods: dict[str, list[Def]] = {}  # (the module's classes: ``self.cache.get(...)`` of an SQLite-backed cache)
    for cls in (st for st in tree.body if isinstance(st, ast.ClassDef)) if tree is not None else ():
        for m in cls.body:
            if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods.setdefault(m.name, []).append(m)

    def on_disk(node: ast.AST) -> bool:
        return _on_disk(node) or any(isinstance(n, ast.Call) and (
            isinstance(n.func, ast.Name) and n.func.id in helpers and _on_disk(helpers[n.func.id])
            or isinstance(n.func, ast.Attribute) and any(_on_disk(m) for m in methods.get(n.func.attr, ())))
            for n in walk(node))

    for d in fn.decorator_list:
        text = ast.unparse(d.func if isinstance(d, ast.Call) else d).lower()
        if "cache" in text or "memo" in text:
            return True
    assigned = [(t.id, st.value) for st in fn.body if isinstance(st, ast.Assign) for t in st.targets
                if isinstance(t, ast.Name)]
    looked_up = {name for name, value in assigned if _says_cache(value)}
    stored = {name for name, value in assigned if on_disk(value)}
    handed = _handed_checkpoints(fn)
    return any(isinstance(st, ast.If) and isinstance(st.body[-1], ast.Return) and not on_disk(st.test)
               and not any(isinstance(n, ast.Name) and n.id in stored | handed for n in walk(st.test)) and (
        _says_cache(st.test) or any(isinstance(n, ast.Name) and n.id in looked_up for n in walk(st.test)))
        for st in fn.body)


def _handed_checkpoints(fn: Def) -> set[str]:
    """Parameters named as a cache that ``fn`` only reads (``if item_id in cache: return cache[item_id]``):
    the caller's record of what is done, loaded from a previous run's output (hackernews_jobs'
    ``cache = load_cache(output_file)``), not a memo of repeats, which its function also fills."""
    a = fn.args
    params = {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs) if "cache" in p.arg.lower()}
    filled = {t.value.id for n in walk(fn) if isinstance(n, (ast.Assign, ast.AugAssign))
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
              if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)}
    filled |= {n.func.value.id for n in walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and isinstance(n.func.value, ast.Name) and n.func.attr in ("update", "setdefault", "set", "put", "add")}
    return params - filled


_DISK = frozenset({"exists", "is_file", "isfile", "read_text", "read_bytes", "open", "load", "execute", "fetchone"})


def _on_disk(node: ast.AST) -> bool:
    """A lookup that reads a file or a database (``cache_path.exists()``, ``json.load(open(p))``): answers
    kept across runs so that a rerun resumes where it stopped. The first run still sends one request
    per item, so a loop over them is batch work; an in-memory cache makes a repeat within the run free."""
    return any(isinstance(n, ast.Call) and (n.func.attr if isinstance(n.func, ast.Attribute) else
                                            n.func.id if isinstance(n.func, ast.Name) else "") in _DISK
               for n in walk(node))


def _says_cache(node: ast.AST) -> bool:
    """An expression that reads a cache by name (``self._cache_get(k)``, ``k in CACHE``, ``cache_path.exists()``)."""
    return any(isinstance(n, ast.Name) and "cache" in n.id.lower() or isinstance(n, ast.Attribute)
               and "cache" in n.attr.lower() for n in walk(node))
