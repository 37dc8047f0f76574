"""The project index: what other modules and files of the project say about a name.

The linter checks one file at a time, but real code keeps its prompts in ``prompts.py``, in a
``prompts/`` folder of Markdown or Jinja files, in a config module, or behind a helper function.
The index answers "what is ``pkg.prompts.SYSTEM``, seen from ``pkg/runner.py``?" on demand:

* the project root is the directory holding ``pyproject.toml`` (else the linted paths' root);
  modules are found under the root, ``root/src`` and beside the importing file (scripts);
* a module is parsed with :mod:`ast` only when a name is asked of it, after a byte search for that name in
  its text (a module that never mentions it is not parsed; :mod:`.tree_budget` bounds the trees kept);
* a module-level name resolves to its single assignment (strings, f-string static parts,
  containers, file reads through :mod:`.evaluate`), an import (followed), a class attribute
  (class body or ``self.x = ...`` in ``__init__``), or, for calls, a function with one ``return``;
* per-file answers are cached by content hash in the lint cache (``index.json``) with the digests of the files
  they depend on: warm and pre-commit runs resolve without parsing the rest of the project.

The engine activates a :class:`Project` around each file's check (:func:`activate`); the resolver asks :func:`active`
and records the files it relied on, kept with the file's cached result (a changed one re-checks it)."""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Text, choice
from pytest_tokenbudget.lint.astwalk import walk
from pytest_tokenbudget.lint.config_values import dotted_name, instance_attr, option_default, own_returns
from pytest_tokenbudget.lint.decorated import decorated_registry
from pytest_tokenbudget.lint.evaluate import Evaluator
from pytest_tokenbudget.lint.file_loaders import loader_call
from pytest_tokenbudget.lint.implementations import implementations, is_stub
from pytest_tokenbudget.lint.index_codec import encode, part_origins, read_back
from pytest_tokenbudget.lint.filled_lists import filled_later, filled_lists, module_list
from pytest_tokenbudget.lint.folded_locals import folded_locals
from pytest_tokenbudget.lint.folder_values import LISTING, folder_answer, listing_digest
from pytest_tokenbudget.lint.newsyntax import parse_source
from pytest_tokenbudget.lint.project_roots import inner_project, project_root, script_folders, searchable_root
from pytest_tokenbudget.lint.reexports import reexported
from pytest_tokenbudget.lint.source import FileError, read_file
from pytest_tokenbudget.lint.tool_functions import indexed_function_tool

__all__ = ["Project", "activate", "active", "project_root", "searchable_root"]

MAX_MODULE_BYTES, INDEX_FILE = 2 << 20, "index.json"
_USES = itertools.count(1)  # the order modules' trees were last asked for (.tree_budget releases the oldest)


# ---------------------------------------------------------------------- one module
@dataclass
class _Module:
    path: str
    data: bytes
    digest: str
    tree: ast.Module | None = None
    names: dict[str, list[ast.stmt]] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    used: int = 0
    parsed_log: list[_Module] | None = field(default=None, compare=False, repr=False)  # see .tree_budget

    def parse(self, tree: ast.Module | None = None) -> ast.Module | None:
        """The module's tree (``tree``: the same bytes' tree, which the linter parsed already)."""
        self.used = next(_USES)
        if self.tree is None:
            try:
                if tree is not None:
                    self.tree = tree
                elif self.path.endswith(".ipynb"):  # the notebook's code cells, as the linter reads them
                    from pytest_tokenbudget.lint.source import Source, load

                    src = load(self.data, self.path, {}, prefilter=False)
                    self.tree = ast.parse(src.text if isinstance(src, Source) else "")
                else:
                    self.tree = parse_source(self.data)  # (Python 3.12 f-strings on older ones too)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self.tree = ast.Module(body=[], type_ignores=[])
            _collect(self.tree.body, self)
            if self.parsed_log is not None:
                self.parsed_log.append(self)
        return self.tree


def _collect(body: list[ast.stmt], mod: _Module) -> None:
    for st in body:
        if isinstance(st, (ast.Assign, ast.AnnAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            for t in targets:
                if isinstance(t, ast.Name) and not (isinstance(st.value, ast.Name) and st.value.id == t.id):
                    mod.names.setdefault(t.id, []).append(st)  # (``query = query`` changes nothing)
        elif isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            mod.names.setdefault(st.name, []).append(st)
        elif isinstance(st, ast.Import):
            for a in st.names:
                local = a.asname or a.name.split(".")[0]
                mod.imports[local] = a.name if a.asname else local
                mod.names.setdefault(local, []).append(st)
        elif isinstance(st, ast.ImportFrom):
            prefix = "." * st.level + (st.module or "")
            for a in st.names:
                if a.name != "*":
                    sep = "" if prefix and set(prefix) == {"."} else "."
                    mod.imports[a.asname or a.name] = f"{prefix}{sep}{a.name}" if prefix else a.name
                    mod.names.setdefault(a.asname or a.name, []).append(st)
        elif isinstance(st, ast.If):
            _collect(st.body, mod)
            _collect(st.orelse, mod)
        elif isinstance(st, (ast.Try, ast.For, ast.AsyncFor, ast.While)):  # (a script's loop: its body's names)
            _collect(st.body, mod)
        elif isinstance(st, ast.With):
            _collect(st.body, mod)
            for item in st.items:
                if isinstance(item.optional_vars, ast.Name):
                    mod.names.setdefault(item.optional_vars.id, []).append(st)


# ---------------------------------------------------------------------- the project
class Project:
    """The index of one project (one lint run)."""

    def __init__(self, root: Path, cache_folder: Path | None = None, *, named: bool = False,
                 store: Project | None = None) -> None:
        """``store``: an index whose per-file answers this one shares (:mod:`.project_set`)."""
        self.root = str(root)
        self.nested: tuple[str, ...] = ()  # project folders under the root indexed apart (.project_set)
        self.searchable = searchable_root(self.root, named)
        self.bases = [self.root, os.path.join(self.root, "src")]
        self.cache_folder = cache_folder
        self.modules: dict[str, _Module | None] = {}
        self.parsed_log: list[_Module] = []  # modules given a tree since .tree_budget last looked
        self._stat: dict[str, list[Any]] = {}
        self._values: dict[str, dict[str, Any]] = {}  # digest -> name -> [encoded, path, line, deps, origins]
        self.new_values: dict[str, dict[str, Any]] = {}
        self._run_values: dict[str, dict[str, Any]] = {}  # answers not kept across runs (.decorated)
        self.unstored = False  # the answer being computed must not be kept across runs
        self.deps: dict[str, str] = {}  # files the current file's resolution relied on (path -> digest)
        self.origins: dict[int, tuple[str, int, Any]] = {}  # id(value) -> where it was defined
        self._active: set[tuple[str, str]] = set()
        self._found: dict[tuple[str, str], tuple[str, list[str]] | None] = {}
        self._inner: dict[str, str | None] = {}  # folder -> the project folder inside the root it is in
        self.word_index: dict[str, Sequence[str]] | None = None  # see .callers
        self.dirty = False
        if store is not None:
            self._stat, self._values = store._stat, store._values
        elif cache_folder is not None:
            try:
                data = json.loads((cache_folder / INDEX_FILE).read_text(encoding="utf-8"))
                self._stat, self._values = dict(data["stat"]), dict(data["values"])
            except (OSError, ValueError, KeyError, TypeError):
                pass

    def remember(self, memo: str, key: Any, compute: Callable[[], Any]) -> Any:
        """A project-wide answer computed once per run and shared by every file's check
        (``callerdeps.TrackedProject`` also replays the lookups it made into each later check)."""
        table = self.__dict__.setdefault(memo, {})
        if key not in table:
            table[key] = compute()
        return table[key]

    def forget_where(self, memo: str, drop: Callable[[Any], bool]) -> None:
        """Drop the answers of a :meth:`remember` memo that ``drop`` picks (the next ask recomputes)."""
        table = self.__dict__.get(memo, {})
        for key in [k for k, entry in table.items() if drop(self._answer(entry))]:
            del table[key]

    def _answer(self, entry: Any) -> Any:
        return entry  # a memo entry is the answer itself (a tracking project stores more)

    def digest_of(self, path: str) -> str | None:
        if path.startswith(LISTING):  # a folder's listing (.folder_values)
            return listing_digest(path)
        try:
            st = os.stat(path)
        except OSError:
            return None
        entry = self._stat.get(path)
        if entry and entry[0] == st.st_mtime_ns and entry[1] == st.st_size:
            return entry[2]
        mod = self._load(path)
        return mod.digest if mod else None

    def share_tree(self, path: str, data: bytes, tree: ast.Module) -> None:
        """The tree the linter parsed from ``path``'s ``data`` (the file being checked): the index
        adopts it, now or when a question first reads the file, instead of parsing the same bytes."""
        self._shared = (path, data, tree)
        self._adopt(self.modules.get(path))

    def _adopt(self, mod: _Module | None) -> None:
        path, data, tree = self.__dict__.get("_shared") or ("", b"", None)
        if mod is not None and mod.path == path and mod.tree is None and mod.data == data:
            mod.parse(tree)
            mod.used = 0  # not asked for yet: the first the tree budget may release

    def _load(self, path: str) -> _Module | None:
        if path in self.modules:
            return self.modules[path]
        mod = None
        got = read_file(path)  # never blocks on a FIFO or a device; skips what is not a regular file
        if not isinstance(got, FileError) and got[1].st_size <= MAX_MODULE_BYTES:
            data, st = got
            mod = _Module(path, data, hashlib.blake2b(data, digest_size=16).hexdigest(), parsed_log=self.parsed_log)
            self._stat[path] = [st.st_mtime_ns, st.st_size, mod.digest]
            self.dirty = True
            self._adopt(mod)
        self.modules[path] = mod
        return mod

    def _find_module(self, dotted: str, from_file: str) -> tuple[str, list[str]] | None:
        key = (dotted, os.path.dirname(from_file))
        if key not in self._found:
            self._found[key] = self._search_module(dotted, from_file)
        return self._found[key]

    def _search_module(self, dotted: str, from_file: str) -> tuple[str, list[str]] | None:
        """The file of the longest module prefix of ``dotted`` (absolute or relative) + the rest."""
        level = len(dotted) - len(dotted.lstrip("."))
        parts = [p for p in dotted.lstrip(".").split(".") if p]
        if level:
            base = os.path.dirname(from_file)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:  # the root, root/src, then the importing file's folder and its parents (backend/app/...);
            folder = os.path.dirname(from_file)  # a project folder inside the root first (its own src/)
            if folder not in self._inner:
                self._inner[folder] = inner_project(folder, self.root)
            inner = self._inner[folder]
            bases = [*([inner, os.path.join(inner, "src")] if inner else []), *self.bases,
                     *script_folders(folder, self.root)]
        for n in range(len(parts), 0, -1):
            for b in bases:
                stem = os.path.join(b, *parts[:n])
                for cand in (stem + ".py", os.path.join(stem, "__init__.py")):
                    if os.path.isfile(cand):
                        return os.path.normpath(cand), parts[n:]
        if level:  # from . import X: the package itself (X defined in its __init__.py)
            init = os.path.join(bases[0], "__init__.py")
            return (init, parts) if os.path.isfile(init) else None
        return None

    def package_dir(self, dotted: str, from_file: str) -> str | None:
        found = self._find_module(dotted, from_file)
        if found is None or found[1]:
            return None
        return os.path.dirname(found[0]) if found[0].endswith("__init__.py") else None

    # ------------------------------------------------------------------ lookups
    def value(self, dotted: str, from_file: str, call: bool = False) -> tuple[Any, str, int] | None:
        """The value of ``dotted`` (``pkg.prompts.SYSTEM``; a call of it with ``call``) seen from
        ``from_file``, with where it is defined; None when it is not a project name."""
        found = self._find_module(dotted, from_file)
        if found is None or not found[1] or len(found[1]) > 2:
            return None
        path, rest = reexported(self, *found)
        return self._name(path, ".".join(rest) + ("()" if call else ""))

    def _name(self, path: str, name: str) -> tuple[Any, str, int] | None:
        digest = self.digest_of(path)
        if digest is None:
            return None
        run = self._run_values.get(digest, {}).get(name)
        cached = run or self._values.get(digest, {}).get(name)
        if cached is not None and all(self.digest_of(p) == d for p, d in cached[3].items()):
            self.unstored = self.unstored or run is not None
            self.deps[path] = digest
            self.deps.update(cached[3])
            return self._remember(read_back(cached, self._remember), cached[1], cached[2])
        key = (path, name)
        if key in self._active:
            return None
        mod = self._load(path)
        if mod is None or mod.digest != digest:
            return None
        self._active.add(key)
        outer_deps, self.deps = self.deps, {}
        outer_unstored, self.unstored = self.unstored, False
        try:
            value, line, *source = self._compute(mod, name)
        finally:
            self._active.discard(key)
            mine, self.deps = self.deps, outer_deps
            unstored, self.unstored = self.unstored, outer_unstored or self.unstored
        mine.pop(path, None)
        where = source[0] if source else path  # an imported name: defined in the module it comes from
        entry = [encode(value), where, line, mine, part_origins(value, self.origin)]
        if not unstored:  # (else this run's answer only: it depends on files it cannot list)
            self._values.setdefault(digest, {})[name] = entry
            self.new_values.setdefault(digest, {})[name] = entry
            self.dirty = True
        else:
            self._run_values.setdefault(digest, {})[name] = entry
        self.deps[path] = digest
        self.deps.update(mine)
        return self._remember(value, where, line)

    def _remember(self, value: Any, path: str, line: int) -> tuple[Any, str, int]:
        if isinstance(value, (str, Text, dict, list)) and line:
            self.origins[id(value)] = (path, line, value)
        return value, path, line

    def origin(self, value: Any) -> tuple[str, int] | None:
        """Where a resolved value was defined (a module line, or line 1 of a prompt file)."""
        hit = self.origins.get(id(value))
        return (hit[0], hit[1]) if hit is not None and hit[2] is value else None

    def _compute(self, mod: _Module, name: str) -> tuple[Any, int] | tuple[Any, int, str]:
        base = name[:-2] if name.endswith("()") else name
        first = base.split(".")[0]
        if first.encode() not in mod.data:  # the byte search: no mention, no parse
            return UNKNOWN, 0
        mod.parse()
        stmts = mod.names.get(first, [])
        if len(stmts) != 1:
            return UNKNOWN, 0
        st = stmts[0]
        ev = self._evaluator(mod, {})
        if isinstance(st, (ast.Import, ast.ImportFrom)) and ("." in base or base == name):  # followed (obj.attr too)
            found = self.value(mod.imports.get(first, first) + base[len(first):], mod.path, base != name)
            return (found[0], found[2], found[1]) if found else (UNKNOWN, 0)
        if "." in base:  # Class.attr, or obj.attr of a module-level obj = Class() (a settings object)
            if not isinstance(st, ast.ClassDef):
                found = instance_attr(self, mod, st, base.split(".", 1)[1])
                return self._class_attr(found[0], found[1], base.split(".", 1)[1]) if found else (UNKNOWN, 0)
            if name.endswith("()"):  # Class.method(): what its returns give, its parameters unknown
                fn = next((s for s in st.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                           and s.name == base.split(".", 1)[1]), None)
                if fn is not None and is_stub(fn) and (impls := implementations(self, st, fn.name)):
                    if len(impls) == 1:  # an interface's stub: the project's one implementation
                        return self._function(impls[0][0], impls[0][1]), impls[0][1].lineno, impls[0][0].path
                    return choice([self._function(m, f) for m, f in impls]), fn.lineno  # one subclass's
                return (self._function(mod, fn), fn.lineno) if fn is not None else (UNKNOWN, 0)
            return self._class_attr(mod, st, base.split(".", 1)[1])
        if name.endswith("()"):
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return self._function(mod, st), st.lineno
            return UNKNOWN, 0
        if isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None:  # (a list filled later: see there)
            if not filled_later(mod.data, first, st.value):
                return ev.expr(st.value), st.lineno
            if (registry := decorated_registry(self, mod, first)) is not None:  # @tool(...) fills it
                return registry, st.lineno
            return module_list(ev, mod.tree, first, st) if isinstance(st.value, (ast.List, ast.ListComp)) else (UNKNOWN, 0)
        if isinstance(st, ast.With):
            for item in st.items:
                if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == first:
                    return ev.expr(item.context_expr), st.lineno
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):  # @beta_tool def f(...): its tool definition
            return indexed_function_tool(st, lambda n: dotted_name(n, lambda x: mod.imports.get(x, x)), ev.expr), st.lineno
        return UNKNOWN, 0

    def _class_attr(self, mod: _Module, cls: ast.ClassDef, attr: str) -> tuple[Any, int]:
        found: list[tuple[ast.expr, int, dict[str, Any]]] = []
        for st in cls.body:
            if isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None:
                targets = st.targets if isinstance(st, ast.Assign) else [st.target]
                if any(isinstance(t, ast.Name) and t.id == attr for t in targets):
                    found.append((st.value, st.lineno, {}))
            elif isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == "__init__":
                local = self._locals(st)
                for sub in walk(st):
                    if isinstance(sub, ast.Assign) and any(
                            isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name)
                            and t.value.id == "self" for t in sub.targets):
                        found.append((sub.value, sub.lineno, local))
        if len(found) != 1:
            return UNKNOWN, 0
        node, line, local = found[0]
        return self._evaluator(mod, local).expr(node), line

    def _locals(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any]:
        """A function's single-assignment locals and folded chains (ast nodes), parameters unknown."""
        seen: dict[str, list[ast.expr]] = {}
        for sub in walk(fn):
            if isinstance(sub, ast.Assign):
                for t in sub.targets:
                    if isinstance(t, ast.Name):
                        seen.setdefault(t.id, []).append(sub.value)
            elif isinstance(sub, (ast.AugAssign, ast.AnnAssign, ast.For, ast.NamedExpr)):
                t = sub.target
                if isinstance(t, ast.Name):
                    seen.setdefault(t.id, []).extend([sub.value] * 2 if isinstance(sub, ast.AugAssign) else
                                                     ([sub.value] if isinstance(sub, ast.AnnAssign) and sub.value
                                                      else [None, None]))  # type: ignore[list-item]
            elif isinstance(sub, ast.withitem) and isinstance(sub.optional_vars, ast.Name):
                seen.setdefault(sub.optional_vars.id, []).append(sub.context_expr)
        out: dict[str, Any] = {n: (v[0] if len(v) == 1 and v[0] is not None else UNKNOWN) for n, v in seen.items()}
        out.update(folded_locals(fn, {n: v for n, v in seen.items() if len(v) > 1}))  # prompt += ..., if/else arms
        out.update({n: UNKNOWN if v is None else v for n, v in filled_lists(fn, out).items()})  # parts.append(...)
        args = fn.args
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if a is not None:
                out[a.arg] = UNKNOWN
        return out

    def _function(self, mod: _Module, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Any:
        rets = own_returns(fn)  # several returns: one of their values (analysis.values.choice)
        if not rets or any(r.value is None for r in rets):
            return UNKNOWN
        inner = _Module(mod.path, b"", mod.digest)  # def prompt(): from .texts import SYSTEM; return SYSTEM
        _collect(fn.body, inner)
        local = {n: (f[0] if (f := self.value(q, mod.path)) else UNKNOWN) for n, q in inner.imports.items()}
        local.update(self._locals(fn))
        ev, first = folder_answer(self, mod, fn, local)  # tools from a folder's files, a path that exists
        return first if first is not None else choice([ev.expr(r.value) for r in rets])

    def _evaluator(self, mod: _Module, local: dict[str, Any]) -> Evaluator:
        done: dict[str, Any] = {}

        def lookup(name: str) -> Any:
            if name in local:
                v = local[name]
                if isinstance(v, ast.expr):
                    if name in done:
                        return done[name]
                    done[name] = UNKNOWN  # a self-reference stays unknown
                    done[name] = ev.expr(v)
                    return done[name]
                return v
            found = self._name(mod.path, name)
            return found[0] if found else UNKNOWN

        def qualname(node: ast.expr) -> str | None:
            return dotted_name(node, lambda n: mod.imports.get(n, n))

        ev = Evaluator(mod.path, lookup, qualname, lambda pkg: self.package_dir(pkg, mod.path), self.root,
                       self._file_dep)
        ev.calls = lambda q: self._call_value(q, mod)
        ev.loader = lambda q, node, args, kw: loader_call(self, mod, q, node, args, kw)  # a prompt file by name
        ev.attribute = lambda n, a: option_default(mod.tree, local[n], n, a, ev.expr) if n in local else self._attribute(mod, n, a)
        ev.remember = self._remember
        ev.index = (self, mod)  # .volatile_calls: a per-call value through a project function
        ev.project = self
        return ev

    def _attribute(self, mod: _Module, name: str, attr: str) -> Any:
        if name in mod.imports:  # import config: config.MODEL; from .config import settings: settings.MODEL
            found = self.value(f"{mod.imports[name]}.{attr}", mod.path)
        else:
            found = self._name(mod.path, f"{name}.{attr}")
        return found[0] if found else UNKNOWN

    def _call_value(self, q: str, mod: _Module) -> Any:
        head, _, rest = q.partition(".")  # f() or Class.method() of this module, else an imported name
        here = head in mod.names and (not rest or "." not in rest and any(isinstance(st, ast.ClassDef)
                                                                          for st in mod.names[head]))
        found = self._name(mod.path, q + "()") if here else self.value(q, mod.path, call=True)
        return found[0] if found else UNKNOWN

    def _file_dep(self, path: str) -> None:
        d = self.digest_of(path)
        if d is not None:
            self.deps[path] = d

    # ------------------------------------------------------------------ persistence
    def merge(self, values: dict[str, dict[str, Any]]) -> None:
        for digest, names in values.items():
            self._values.setdefault(digest, {}).update(names)
            self.dirty = True

    def save(self, live_paths: set[str] | None = None) -> None:
        if self.cache_folder is None or not self.dirty:
            return
        from pytest_tokenbudget.core.text import atomic_write

        live = {e[2] for e in self._stat.values()}
        data = {"stat": self._stat, "values": {d: v for d, v in self._values.items() if d in live}}
        try:
            self.cache_folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self.cache_folder / INDEX_FILE, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass

    def close(self) -> None:
        """Drop what the run read (module texts and trees, per-run caches). The evaluators made over
        the index sit in reference cycles with it, so without this only a full garbage collection,
        scanning every tree node the run kept, would free them."""
        for mod in self.modules.values():
            if mod is not None:
                mod.tree, mod.data, mod.names, mod.imports = None, b"", {}, {}
        self.__dict__.clear()


_ACTIVE: list[tuple[Project, str]] = []


def activate(project: Project | None, path: str) -> None:
    """Make ``project`` the index the resolver consults while ``path`` is checked (None: off)."""
    _ACTIVE.clear()
    if project is not None:
        project.deps, project.new_values, project.origins = {}, {}, {}
        _ACTIVE.append((project, os.path.abspath(path)))


def active() -> tuple[Project, str] | None:
    return _ACTIVE[0] if _ACTIVE else None
