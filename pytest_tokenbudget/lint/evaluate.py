"""A small evaluator over :mod:`ast` expressions, for the project index and prompt files.

It turns an expression into the values of :mod:`.analysis.values` (``str``, numbers, containers,
:class:`~.analysis.values.Text`, :data:`~.analysis.values.UNKNOWN`) plus the path-like values of
:mod:`.file_values`, used only on the way to a file's content: :class:`FilePath`
(``Path(__file__).parent / "prompts"``), :class:`Handle` (``open(p)``), :class:`JinjaEnv`
(``Environment(loader=FileSystemLoader(d))``, or a ``PackageLoader``) and :class:`ModuleFile` (a module loaded by its path).

Names are looked up through a callback (the index's module constants, or the libcst resolver's
scopes), so the same code serves both. A prompt file counts as its text (a template's fields are
holes), JSON / YAML / TOML files as data; a path that cannot be pinned stays unknown."""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Callable
from typing import Any

from pytest_tokenbudget.lint.analysis.values import (DAILY, UNKNOWN, OpenDict, OpenList, Text, Unknown, any_entry,
                                                     choice, container_text, data_rows, dict_get, enum_value,
                                                     is_complete, setting_fallback, sliced, static_text)
from pytest_tokenbudget.lint.analysis.volatile import daily_call, formatted_field, volatile_call, volatile_method
from pytest_tokenbudget.lint.comprehend import comprehend, listed
from pytest_tokenbudget.lint.config_values import bool_op, call_default, self_chain
from pytest_tokenbudget.lint.field_objects import built_fields
from pytest_tokenbudget.lint.file_values import FilePath, Handle, JinjaEnv, ModuleFile, loaded_module, there
from pytest_tokenbudget.lint.model_schema import model_schema
from pytest_tokenbudget.lint.reaching import exists_test
from pytest_tokenbudget.lint.text_calls import TEXT_CALLS, front_matter, text_of_call
from pytest_tokenbudget.lint.volatile_calls import through

__all__ = ["Evaluator", "FilePath", "Handle", "JinjaEnv", "ModuleFile", "read_prompt_file", "template_text"]

MAX_PROMPT_FILE = 1 << 20  # bytes: a larger "prompt" is data, not a prompt


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def template_text(text: str, *, jinja: bool) -> Any:
    """The static text of a template: Jinja tags (or ``$name``/``{name}`` fields) become holes."""
    if not jinja:
        return text
    parts: list[Any] = []
    pos = 0
    for m in _JINJA.finditer(text):
        parts += [text[pos:m.start()], UNKNOWN] if not m.group().startswith("{#") else [text[pos:m.start()]]
        pos = m.end()
    parts.append(text[pos:])
    return Text.join(*parts)


def read_prompt_file(path: str, deps: Callable[[str], None] | None = None, template: bool = False) -> Any:
    """A prompt file's value: its text or its data (JSON / YAML / TOML). Its text is a template (Jinja
    tags as holes) when it is one by its extension (``.j2``) or loaded as one (``template``, a Jinja
    ``get_template``); text read plainly is sent as written, ``{{...}}`` included (a prompt that
    shows a template syntax): ``Template(text)`` / ``.format`` / ``.render`` make its holes."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_PROMPT_FILE:
            return UNKNOWN
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, ValueError):
        return UNKNOWN
    if deps is not None:
        deps(path)
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == ".json":
            return data_rows(json.loads(text))
        if ext == ".toml":
            import tomllib

            return tomllib.loads(text)
        if ext in (".yaml", ".yml"):
            import yaml  # type: ignore[import-untyped]

            return data_rows(yaml.safe_load(text))
    except Exception:
        return UNKNOWN
    return template_text(text, jinja=template or ext in (".j2", ".jinja", ".jinja2"))


_PATH_CTORS = frozenset({"Path", "pathlib.Path", "PurePath", "pathlib.PurePath"})
_READ_TEXT = frozenset({"read_text", "read"})
_PARSES = frozenset({"json.loads", "yaml.safe_load", "yaml.load", "yaml.full_load", "tomllib.loads", "toml.loads"})


class Evaluator:
    """Evaluates ast expressions of one module. ``lookup(name)`` gives a name's value (or UNKNOWN);
    ``qualname(node)`` gives the dotted import name a call target stands for (or None)."""

    def __init__(self, file: str, lookup: Callable[[str], Any], qualname: Callable[[ast.expr], str | None],
                 package_dir: Callable[[str], str | None] = lambda _: None, root: str | None = None,
                 deps: Callable[[str], None] | None = None) -> None:
        self.file, self.lookup, self.qualname = file, lookup, qualname
        self.package_dir, self.root, self.deps = package_dir, root, deps
        self.calls: Callable[[str], Any] | None = None  # a project function's return value
        self.loader: Callable[[str, ast.Call, list[Any], dict[str, Any]], Any] | None = None  # .file_loaders
        self.remember: Callable[[Any, str, int], Any] | None = None  # where a value was defined
        self.attribute: Callable[[str, str], Any] | None = None  # ``name.attr`` of a module-level object
        self.self_attr: Callable[[str], Any] | None = None  # ``self.attr`` in a caller (.self_values)
        self.self_class: Callable[[str], str | None] | None = None  # the class of a caller's ``self.attr``
        self.param_class: Callable[[str], str | None] | None = None  # the class a caller's parameter is typed
        self.param_field: Callable[[str, str], Any] | None = None  # ``settings.model``, ``settings: Settings``
        # a template field's bound from its declaration (a caller's Literal / label parameter: .declared_fields)
        self.declared: Callable[[ast.expr], Any] | None = None
        self.index: tuple[Any, Any] | None = None  # (project index, module): per-call values (.volatile_calls)
        self.project: Any = None  # the project index: a pydantic model's schema (.model_schema)

    def expr(self, node: ast.expr | None, depth: int = 0) -> Any:
        if node is None or depth > 30:
            return UNKNOWN
        try:
            return self._expr(node, depth + 1)
        except (RecursionError, ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError):
            return UNKNOWN

    def _expr(self, node: ast.expr, d: int) -> Any:
        if isinstance(node, ast.Constant):
            return node.value if not isinstance(node.value, bytes) else UNKNOWN
        if isinstance(node, ast.JoinedStr):
            return Text.join(*(v.value if isinstance(v, ast.Constant) else self._field(v, d) for v in node.values))
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return FilePath(self.file)
            return self.lookup(node.id)
        if isinstance(node, (ast.List, ast.Tuple)):
            return listed(self, node.elts, d)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):  # few-shot turns made from a data file's examples
            out: list[Any] = []
            made = comprehend(self, node.elt, node.generators, d, out, holes=isinstance(node, ast.GeneratorExp))
            return out if made else UNKNOWN
        if isinstance(node, ast.Dict):
            out: dict[Any, Any] = {}
            for k, v in zip(node.keys, node.values):
                key = self.expr(k, d) if k is not None else UNKNOWN
                if not isinstance(key, (str, int)):
                    return UNKNOWN
                out[key] = self.expr(v, d)
            return out
        if isinstance(node, ast.BinOp):
            return self._binop(node, d)
        if isinstance(node, ast.Attribute):
            base = self.expr(node.value, d)
            if enum_value(node.attr, isinstance(node.value, ast.Attribute), base):
                return base  # Model.SONNET.value: an Enum member's
            if isinstance(base, FilePath):
                if node.attr == "parent":
                    return FilePath(os.path.dirname(base.path))
                if (part := base.part(node.attr)) is not None:
                    return part
                up = [cur := base.path] + [cur := os.path.dirname(cur) for _ in range(8)]  # .parents[1]
                return [FilePath(p) for p in up[1:]] if node.attr == "parents" else UNKNOWN
            if isinstance(base, dict) and not isinstance(base, OpenDict):
                return base.get(node.attr, UNKNOWN)  # t.name of a built ToolDef: .field_objects
            if isinstance(base, ModuleFile):  # module.TOOLS of a module loaded by its path: that file's TOOLS
                found = self.project._name(base.path, node.attr) if self.project is not None else None
                return found[0] if found else UNKNOWN
            if base is UNKNOWN and isinstance(node.value, ast.Name) and node.value.id not in ("self", "cls"):
                got = self.attribute(node.value.id, node.attr) if self.attribute is not None else UNKNOWN
                if got is UNKNOWN and self.param_field is not None:  # a caller's settings: Settings parameter
                    got = self.param_field(node.value.id, node.attr)
                return got  # settings.MODEL, settings = Settings()
            if base is UNKNOWN and self.self_attr and (chain := self_chain(node)) is not None:
                return self.self_attr(chain)  # a caller's self.model / self.config.model: what __init__ stored
            return UNKNOWN
        if isinstance(node, ast.BoolOp):
            return bool_op(node, lambda n: self.expr(n, d), self.qualname)
        if isinstance(node, ast.Subscript):
            base = self.expr(node.value, d)
            if isinstance(part := node.slice, ast.Slice):  # TOOLS[:3]: a known list's items
                return sliced(base, [None if b is None else self.expr(b, d) for b in (part.lower, part.upper, part.step)])
            key = self.expr(node.slice, d)
            if isinstance(base, dict) and isinstance(key, (str, int)) and key in base \
                    or isinstance(base, list) and isinstance(key, int) and -len(base) <= key < len(base):
                return base[key]
            return any_entry(base, key)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:  # language == "he": a helper's branch test
            return _compare(node.ops[0], self.expr(node.left, d), self.expr(node.comparators[0], d))
        if isinstance(node, ast.UnaryOp):  # not flag; -0.25 in a tool's JSON schema
            v = self.expr(node.operand, d)
            if isinstance(node.op, ast.Not):
                return not v if is_complete(v) else UNKNOWN
            numeric = isinstance(v, (int, float)) and not isinstance(v, bool)
            return (-v if isinstance(node.op, ast.USub) else v) if numeric and isinstance(node.op, (ast.USub, ast.UAdd)) else UNKNOWN
        if isinstance(node, ast.IfExp):  # what both branches share (the libcst resolver does the same)
            body = self.expr(node.body, d)
            if exists_test(node.test) and there(body):
                return body  # ``p.read_text() if p.exists() else ""``: the file was read, so it exists
            return choice([body, self.expr(node.orelse, d)])
        if isinstance(node, ast.Call):
            return self._call(node, d)
        if isinstance(node, ast.Await):
            return self.expr(node.value, d)
        return UNKNOWN

    def _field(self, node: ast.expr, d: int) -> Any:
        """An f-string field: a known text is spliced in (``f"{system}\\n{rules}"``), anything else a hole."""
        if isinstance(node, ast.FormattedValue) and node.conversion == -1 and node.format_spec is None:
            v = self.expr(node.value, d)
            if isinstance(v, (str, Text)):
                return v
        if isinstance(node, ast.FormattedValue):  # a per-call value stays one in the text (TB104)
            v = self.expr(node.value, d)
            spec = self.expr(node.format_spec, d) if node.format_spec is not None else None
            if (kept := formatted_field(v, spec)) is not None:  # f"{now:%H:%M}"; f"{now:%Y-%m-%d}": today's date
                return kept
            if node.conversion in (-1, 114, 115) and spec is None and (shown := container_text(v)) is not None:
                return shown  # a known schema or list of labels, as str() shows it (114, 115: !r, !s alike)
            return self._declared(node.value, v) if node.conversion == -1 and spec is None else UNKNOWN
        return UNKNOWN

    def _declared(self, node: ast.expr, value: Any) -> Any:
        """An unknown field's declared bound (:mod:`.declared_fields`), else UNKNOWN."""
        if self.declared is None or not isinstance(value, Unknown) or value.volatile:
            return UNKNOWN
        found = self.declared(node)
        return found if isinstance(found, (str, Text)) else UNKNOWN

    def _binop(self, node: ast.BinOp, d: int) -> Any:
        left, right = self.expr(node.left, d), self.expr(node.right, d)
        if isinstance(node.op, ast.Div) and isinstance(left, FilePath) and isinstance(right, str):
            return FilePath(os.path.normpath(os.path.join(left.path, right)))
        if isinstance(node.op, ast.Add):
            if isinstance(left, (str, Text, Unknown)) and isinstance(right, (str, Text, Unknown)) \
                    and (isinstance(left, (str, Text)) or isinstance(right, (str, Text))):
                return Text.join(left, right)
            if isinstance(left, list) and isinstance(right, list):
                return (OpenList if isinstance(left, OpenList) or isinstance(right, OpenList) else list)(left + right)
        if isinstance(node.op, ast.Mod) and isinstance(left, (str, Text)):
            if isinstance(left, str) and is_complete(right) and not isinstance(right, dict):
                return left % (tuple(right) if isinstance(right, list) else right)
            return Text.join(static_text(left), UNKNOWN)
        if isinstance(node.op, ast.Mult) and isinstance(left, str) and isinstance(right, int) and 0 <= right < 10_000:
            return left * right
        num = (int, float)
        if isinstance(left, num) and isinstance(right, num) and not isinstance(left, bool):
            ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
                   ast.FloorDiv: lambda a, b: a // b}
            fn = ops.get(type(node.op))
            if fn is not None:
                try:
                    return fn(left, right)
                except ZeroDivisionError:
                    return UNKNOWN
        return UNKNOWN

    def _path(self, value: Any) -> FilePath | None:
        """A value used as a path: a FilePath, or a string relative to the project root."""
        if isinstance(value, FilePath):
            return value
        if isinstance(value, str) and value and "\n" not in value and len(value) < 400:
            if os.path.isabs(value):
                return FilePath(value)
            if self.root is not None:
                return FilePath(os.path.normpath(os.path.join(self.root, value)))
        return None

    def _call_join(self, args: list[Any]) -> Any:
        """``os.path.join(a, b, ...)`` / ``Path(a, b, ...)`` of known parts, else unknown."""
        if not all(isinstance(a, (str, FilePath)) for a in args):
            return UNKNOWN
        first = self._path(args[0]) if isinstance(args[0], FilePath) else args[0]
        parts = [a.path if isinstance(a, FilePath) else a for a in [first, *args[1:]]]
        return FilePath(os.path.normpath(os.path.join(*parts)))  # type: ignore[arg-type]

    def read(self, value: Any, template: bool = False) -> Any:
        p = self._path(value.path if isinstance(value, Handle) else value)
        if p is None:
            return UNKNOWN
        out = read_prompt_file(p.path, self.deps, template)
        if self.remember is not None and out is not UNKNOWN:
            for v in [out, *(out.values() if isinstance(out, dict) else ())]:
                self.remember(v, p.path, 1)
        return out

    def _call(self, node: ast.Call, d: int) -> Any:
        func = node.func
        args = [self.expr(a, d) for a in node.args if not isinstance(a, ast.Starred)]
        if isinstance(func, ast.Attribute):
            out = self._method(node, func, args, d)
            if out is not None:
                return out
            if func.attr == "model_json_schema" and not node.args and self.project is not None \
                    and (model := self.qualname(func.value)) \
                    and (read := model_schema(self.project, self.file, model)) is not None:
                return self.remember(*read)[0] if self.remember else read[0]  # a tool's input_schema
            cls = self._instance_class(func.value)
            if cls is not None and self.calls is not None:  # ToolRunner().schemas(), self.tools.schemas()
                return self.calls(f"{cls}.{func.attr}")
        q = self.qualname(func) or ""
        if (vol := volatile_call(q, args)) is not None or daily_call(q, args):  # time, uuid, random; today's date
            return Unknown(volatile=vol) if vol is not None else DAILY
        if q in ("str", "builtins.str", "os.fspath") and len(args) == 1 and isinstance(args[0], (Unknown, FilePath)):
            return args[0]  # (a path made a string is still that path: Path(os.getenv(NAME, str(default))))
        if q in ("fastapi.Depends", "Depends") and len(node.args) == 1 and not node.keywords:
            return self.expr(ast.Call(func=node.args[0], args=[], keywords=[]), d)  # FastAPI calls f for us
        default = call_default(q, node, lambda n: self.expr(n, d))  # os.getenv(NAME, default), Field(default)
        if default is not None:
            return default
        if (module := loaded_module(q, args, self._path)) is not None:
            return module
        if q in _PATH_CTORS and args:  # Path(a) / Path(folder, "prompts", "system.md")
            return self._path(args[0]) if len(args) == 1 else self._call_join(args)
        if q in ("open", "builtins.open", "io.open", "codecs.open") and args:
            p, mode = self._path(args[0]), (args[1] if len(args) > 1 else "r")
            return Handle(p.path) if p is not None and isinstance(mode, str) and "r" in mode \
                else UNKNOWN  # ("rb": tomllib.load(f), f.read().decode(): the same text)
        if q in ("os.path.join",) and args:
            return self._call_join(args)
        if q in ("os.path.dirname", "os.path.abspath", "os.path.realpath") and len(args) == 1:
            p = args[0]
            if isinstance(p, FilePath):
                return FilePath(os.path.dirname(p.path)) if q.endswith("dirname") else p
            return UNKNOWN
        if q.endswith("resources.files") and len(args) == 1 and isinstance(args[0], str):
            folder = self.package_dir(args[0])
            return FilePath(folder) if folder else UNKNOWN
        if q in ("pkgutil.get_data", "importlib.resources.read_text") and len(args) == 2 \
                and isinstance(args[0], str) and isinstance(args[1], str):
            folder = self.package_dir(args[0])
            return self.read(FilePath(os.path.join(folder, args[1]))) if folder else UNKNOWN
        if q.endswith("FileSystemLoader") and args:
            p = self._path(args[0])
            return FilePath(p.path) if p is not None else UNKNOWN
        if q.endswith("PackageLoader") and args and isinstance(args[0], str):  # (package, folder="templates")
            sub = args[1] if len(args) > 1 else next((self.expr(k.value, d) for k in node.keywords
                                                      if k.arg == "package_path"), "templates")
            folder = self.package_dir(args[0]) if isinstance(sub, str) else None
            return FilePath(os.path.join(folder, sub)) if folder else UNKNOWN
        if q.endswith("Environment"):
            loader = next((self.expr(k.value, d) for k in node.keywords if k.arg == "loader"), None)
            return JinjaEnv(loader.path if isinstance(loader, FilePath) else None)
        if q.endswith("Template") and len(args) == 1 and isinstance(args[0], (str, Text)):
            return template_text(args[0], jinja=True) if isinstance(args[0], str) else args[0]
        if q in ("json.load", "yaml.safe_load", "yaml.load", "tomllib.load", "toml.load", "frontmatter.load") and args \
                and isinstance(args[0], (Handle, FilePath) if q == "frontmatter.load" else Handle):  # (a SKILL.md)
            return self.read(args[0]) if q != "frontmatter.load" else front_matter(self.read(args[0]))
        if q in _PARSES and args and isinstance(args[0], (dict, list)):
            return args[0]  # yaml.safe_load(path.read_text()): the data file, read (and parsed) by its suffix
        named = [(k.arg, k.value) for k in node.keywords] if q in TEXT_CALLS else []
        if q in TEXT_CALLS and (text := text_of_call(q, args, named, lambda n: self.expr(n, d))) is not None:
            return text  # textwrap.dedent(...), json.dumps(example_labels)
        if q and self.loader is not None and (node.args or node.keywords):  # load_prompt("core.md")
            loaded = self.loader(q, node, args, {k.arg: self.expr(k.value, d) for k in node.keywords if k.arg})
            if loaded is not None:
                return loaded
        if q and self.index is not None:  # build(now=datetime.now()), self._now(): .volatile_calls
            kw = {k.arg: self.expr(k.value, d) for k in node.keywords if k.arg}
            if (out := through(self.index, q, node, args, kw)) is not None:
                return out
            if (fields := built_fields(self.index, q, node, args, kw)) is not None:
                return fields  # ToolDef(name=..., ...): .field_objects
        if q and self.calls is not None:
            return self.calls(q)
        return UNKNOWN

    def _instance_class(self, value: ast.expr) -> str | None:
        """The qualified class of an instance a method is called on: made in place (``Cls(...)``),
        or a caller's ``self.attr`` that ``__init__`` set from ``Cls(...)`` or a parameter typed
        ``Cls`` (:attr:`self_class`)."""
        if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            q = self.qualname(value.func)
            return q if q and q.rsplit(".", 1)[-1][:1].isupper() else None  # a class, by its spelling
        if self.self_class is not None and isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) \
                and value.value.id == "self":
            name = self.self_class(value.attr)
            return self.qualname(ast.Name(name)) if name else None
        if self.param_class is not None and isinstance(value, ast.Name) and (name := self.param_class(value.id)):
            return self.qualname(ast.parse(name, mode="eval").body)  # target: Target; target.tools()
        return None

    def _method(self, node: ast.Call, func: ast.Attribute, args: list[Any], d: int) -> Any:
        name = func.attr
        base = self.expr(func.value, d)
        kept = volatile_method(base, name, args)  # now.strftime("%H:%M"), now.isoformat()
        if kept is not None:
            return kept
        if isinstance(base, Handle) and name == "read" and not args:
            return self.read(base)
        if isinstance(base, FilePath):
            if name in _READ_TEXT:
                return self.read(base)
            if name == "joinpath" and args and all(isinstance(a, str) for a in args):
                return FilePath(os.path.normpath(os.path.join(base.path, *args)))
            if name in ("with_name", "with_suffix") and len(args) == 1 and isinstance(args[0], str):
                return FilePath(os.path.join(os.path.dirname(base.path), args[0]) if name == "with_name"
                                else os.path.splitext(base.path)[0] + args[0])
            if name in ("resolve", "absolute"):
                return base
            if name == "open" and (not args or args[0] == "r"):
                return Handle(base.path)
            return UNKNOWN
        if isinstance(base, JinjaEnv) and name == "get_template" and len(args) == 1 and isinstance(args[0], str):
            return self.read(FilePath(os.path.join(base.folder, args[0])), template=True) if base.folder else UNKNOWN
        if isinstance(base, (str, Text)):
            return self._text_method(base, name, node, args)
        if isinstance(base, dict) and name == "get" and 1 <= len(node.args) <= 2 and not node.keywords:
            return dict_get(base, args)
        if base is UNKNOWN and name == "get" and len(args) == 2 and len(node.args) == 2 and not node.keywords \
                and (fallback := setting_fallback(*args)) is not None:
            return fallback  # cfg.get("CLAUDE_MODEL", "claude-..."): a run-time setting's fallback
        if isinstance(base, dict) and not isinstance(base, OpenDict) and name in ("values", "keys") and not args:
            return list(getattr(base, name)())  # for t in REGISTRY.values(): a registry .decorated read
        return None

    def _text_method(self, base: str | Text, name: str, node: ast.Call, args: list[Any]) -> Any:
        if name in ("strip", "lstrip", "rstrip") and not args:
            return getattr(base, name)() if isinstance(base, str) else base
        if name == "decode" and isinstance(base, str):
            return base
        if name in ("format", "format_map", "render", "substitute", "safe_substitute"):
            kw = {k.arg: self.expr(k.value, 0) for k in node.keywords if k.arg}
            if name == "format" and isinstance(base, str) and not node.args and kw \
                    and all(isinstance(v, str) for v in kw.values()):
                try:
                    return base.format(**kw)
                except (KeyError, IndexError, ValueError):
                    pass
            if name == "format" and isinstance(base, str) and not node.args:  # {{ }} escapes read as Python does
                nodes = {k.arg: k.value for k in node.keywords if k.arg}
                filled = _format_keywords(base, {k: self._declared(nodes[k], v) if isinstance(v, Unknown)
                                                 and not v.volatile else v for k, v in kw.items()})
                if filled is not None:
                    return filled
            return _fields_as_holes(base, name)
        if name == "replace" and len(args) == 2 and isinstance(args[0], str):
            new = args[1]
            if isinstance(base, str) and isinstance(new, str):
                return base.replace(args[0], new)
            fill = new if isinstance(new, (str, Text)) else UNKNOWN
            out: list[Any] = []
            for part in (base.parts if isinstance(base, Text) else [base]):
                if not isinstance(part, str):
                    out.append(UNKNOWN)
                    continue
                for i, piece in enumerate(part.split(args[0])):
                    out += [piece] if i == 0 else [fill, piece]
            return Text.join(*out)
        if name == "join" and len(args) == 1 and isinstance(args[0], list) and isinstance(base, str):
            return Text.join(*[x for i, it in enumerate(args[0]) for x in ([base] if i else []) + [it]])
        return UNKNOWN


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    """``left <op> right`` for two fully known values, else UNKNOWN."""
    if not (is_complete(left) and is_complete(right)):
        return UNKNOWN
    try:
        if isinstance(op, (ast.Eq, ast.NotEq)):
            return (left == right) is isinstance(op, ast.Eq)
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (str, list, dict)):
            return (left in right) is isinstance(op, ast.In)
        if isinstance(op, (ast.Is, ast.IsNot)) and (left is None or right is None):
            return (left is right) is isinstance(op, ast.Is)
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def _format_keywords(template: str, kw: dict[str, Any]) -> Any:
    """``template.format(**kw)`` with texts spliced in and anything else a hole (a volatile value
    kept); None when a field is not a plain keyword the call passes."""
    import string

    parts: list[Any] = []
    try:
        for literal, field, spec, conv in string.Formatter().parse(template):
            parts.append(literal)
            if field is None:
                continue
            if field not in kw or spec or conv:
                return None
            v = kw[field]
            parts.append(str(v) if isinstance(v, int) and not isinstance(v, bool) else
                         v if isinstance(v, (str, Text, Unknown)) else UNKNOWN)
    except ValueError:
        return None
    return Text.join(*parts)


_FIELD = re.compile(r"\{[^{}\n]*\}|\$\{?\w+\}?")


def _fields_as_holes(base: str | Text, how: str) -> Any:
    """``{field}`` / ``$name`` placeholders of a template as holes, the rest static."""
    if how == "render":
        return template_text(base, jinja=True) if isinstance(base, str) else base
    text = static_text(base)
    parts: list[Any] = []
    pos = 0
    for m in _FIELD.finditer(text):
        parts += [text[pos:m.start()], UNKNOWN]
        pos = m.end()
    parts.append(text[pos:])
    return Text.join(*parts)
