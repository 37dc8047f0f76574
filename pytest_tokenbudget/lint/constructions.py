"""What a field of a configuration class holds: the values its constructions in the project give it.

A class declared by its fields (a dataclass, a pydantic model or settings class) is built by calls
somewhere in the project (``Config(model=...)``, ``cls(model=os.getenv("MODEL", "claude-..."))``
in a ``from_env`` classmethod); :func:`field_values` evaluates, through the caller search of
:mod:`.arguments`, what each construction gives one field (the field's default when it is left
out). The answer stands only when those constructions are the whole story: when the project sets
the field after construction (``config.model = args.model``) or builds objects another way
(``Config.model_validate(data)``, ``dataclasses.replace``, ``.model_copy(update=...)``,
``setattr``), it is None.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_tokenbudget.lint.astwalk import facts_of, walk
from pytest_tokenbudget.lint.callsearch import field_class
from pytest_tokenbudget.lint.project_text import py_files
from pytest_tokenbudget.lint.source import FileError, read_file

if TYPE_CHECKING:
    from pytest_tokenbudget.lint.project import Project

__all__ = ["field_values", "set_on_instances"]

_OTHER_BUILDERS = (rb"\.(model_validate\w*|parse_obj|parse_raw|parse_file|model_construct|construct|from_dict|"
                   rb"from_json)\(")
_COPIES = re.compile(rb"dataclasses\.replace\(|from dataclasses import[^\n]*\breplace\b|\.model_copy\(|\.copy\(update|"
                     rb"\bsetattr\(")


def field_values(project: Project, from_path: str, qualname: str, field: str,
                 values_of: Callable[..., Any]) -> list[Any] | None:
    """The values the project's constructions of the field class ``qualname`` (as ``from_path``
    imports it; a class of that file when undotted) give its ``field``: written by a caller, else
    the field's default (unknown when it has none); None when the class is not such a class of the
    project, nothing constructs it, or the field may be set another way. ``values_of`` is the caller
    search (:func:`..arguments.parameter_values`), passed in so that the caller search itself can ask
    this module about ``self.config.model`` without an import cycle."""
    if "." in qualname:
        found = project._find_module(qualname, from_path)
        if found is None or len(found[1]) != 1:
            return None
        path, (name,) = found
    else:
        path, name = from_path, qualname
    mod = project._load(path)
    if mod is None or mod.parse() is None or field_class(mod.tree, f"{name}.__init__") is None:
        return None
    if _set_elsewhere(project, name, field):
        return None
    project._file_dep(path)
    found_values = values_of(project, path, f"{name}.__init__", frozenset({field}))
    return [a.values[field] for a in found_values] if found_values else None


def _set_elsewhere(project: Project, name: str, field: str) -> bool:
    """Some project file assigns ``<obj>.field`` (not ``self.field``), builds ``name`` by a library
    constructor or copies objects with changes: the constructions are not every value."""
    def search() -> bool:
        assigned = re.compile(rb"(?<!\bself)\." + re.escape(field.encode()) + rb"\s*(=(?!=)|\+=)")
        built = re.compile(rb"\b" + re.escape(name.encode()) + _OTHER_BUILDERS)
        # copies and setattr count in the files that name the class or the field (not a vendored
        # library's setattr(processor, key, value))
        about = re.compile(rb"\b(" + re.escape(name.encode()) + rb"|" + re.escape(field.encode()) + rb")\b")
        files = py_files(project)
        if files is not None and name.isascii() and field.isascii():
            marks = _marks(project)  # one read of each file per run, not one per question
            files = [p for p in files if p in marks and _may_set(marks[p], name.encode(), field.encode())]
        found = files is None or any(_sets(p, name, field, (assigned, built, about)) for p in files)
        needles = getattr(project, "needles", None)
        if needles is not None:  # a warm run re-checks when a new file might assign the field
            needles[field.encode()] = found
            needles[name.encode()] = found  # a copy / setattr counts in files naming the class
        return found

    return bool(project.remember("_fields_set_elsewhere", (name, field), search))


def set_on_instances(project: Project, name: str, field: str) -> bool:
    """A project file assigns ``field`` on an object it built from the class ``name`` (``generator =
    CommitGenerator()``, then ``generator.model = args.model``): what the class's own methods store
    is not the whole story."""
    def search() -> bool:
        files = py_files(project)
        if files is None:
            return True
        marks = _marks(project)  # (a file assigning no .field anywhere is not read again)
        found = any(_built_and_set(project, p, name, field) for p in files
                    if p in marks and field.encode() in marks[p][0])
        needles = getattr(project, "needles", None)
        if needles is not None:  # a warm run re-checks when a new file might assign it
            needles[field.encode()] = found
            needles[name.encode()] = found
        return found

    return bool(project.remember("_set_on_instances", (name, field), search))


def _built_and_set(project: Project, path: str, name: str, field: str) -> bool:
    mod = project._load(path)
    if mod is None or name.encode() not in mod.data or mod.parse() is None:
        return False
    built: set[str] = set()  # names assigned a construction of the class: gen = Name(...) / mod.Name(...)
    set_on: set[str] = set()  # names whose .field the file assigns
    for n in facts_of(mod.tree).assigns:  # the tree's one walk, shared
        func = n.value.func if isinstance(n.value, ast.Call) else None
        made = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if made == name:
            built.update(t.id for t in n.targets if isinstance(t, ast.Name))
        set_on.update(t.value.id for t in n.targets if isinstance(t, ast.Attribute) and t.attr == field
                      and isinstance(t.value, ast.Name) and t.value.id != "self")
    return bool(built & set_on)


_ASSIGNED_ANY = re.compile(rb"\.(\w+)\s*(?:=(?!=)|\+=)")  # every field the assigned pattern matches (self. too)
_BUILDER_CALL = re.compile(_OTHER_BUILDERS)
_COPY_MARKS = (b"model_copy", b".copy(", b"setattr(")  # with dataclasses + replace: what _COPIES needs


def _marks(project: Project) -> dict[str, tuple[frozenset[bytes], frozenset[bytes], bool]]:
    """Per readable project file, what :func:`_sets` needs to say yes: the fields it assigns on an
    object (``self.`` included), the names it calls a library builder on, and whether it may copy
    objects. One read of each file per run: a file whose marks name neither the class nor the
    field (and that cannot copy) is not read again for each (class, field) asked about. Each mark
    is a cheap superset of what the exact patterns of :func:`_sets` match."""
    if "_construction_marks" not in project.__dict__:
        marks = {}
        for path in py_files(project) or []:
            got = read_file(path)
            if not isinstance(got, FileError):
                data = got[0]
                copies = b"dataclasses" in data and b"replace" in data or any(w in data for w in _COPY_MARKS)
                marks[path] = (frozenset(_ASSIGNED_ANY.findall(data)), _built_names(data), copies)
        project._construction_marks = marks
    return project._construction_marks


def _built_names(data: bytes) -> frozenset[bytes]:
    """The identifiers right before ``.model_validate(`` and the other builders."""
    names = set()
    for m in _BUILDER_CALL.finditer(data):
        start = m.start()
        while start and (data[start - 1:start].isalnum() or data[start - 1] == 95):  # 95: "_"
            start -= 1
        names.add(data[start:m.start()])
    return frozenset(names)


def _may_set(marks: tuple[frozenset[bytes], frozenset[bytes], bool], name: bytes, field: bytes) -> bool:
    assigned, built, copies = marks
    return field in assigned or name in built or copies


def _sets(path: str, name: str, field: str, patterns: tuple[re.Pattern[bytes], ...]) -> bool:
    """Whether the file may set the field outside the constructions (one read of the file; the
    regular expressions only run on files that hold their literal words)."""
    got = read_file(path)
    if isinstance(got, FileError):
        return False
    assigned, built, about = patterns
    data = got[0]
    name_in, field_in = name.encode() in data, field.encode() in data
    if name_in and built.search(data):
        return True
    if (name_in or field_in) and any(w in data for w in _COPY_WORDS) and _COPIES.search(data) and about.search(data):
        return True
    if not field_in or not assigned.search(data):
        return False
    return not _only_env_overrides(data, field)


_COPY_WORDS = (b"replace", b"model_copy", b".copy(", b"setattr(")
_ENV_READ = re.compile(r"\b(os\.environ|os\.getenv|getenv|environ)\b")


def _only_env_overrides(data: bytes, field: str) -> bool:
    """Every ``obj.field = ...`` of the file sits under an ``if`` that reads the environment
    (``if env_model := os.environ.get("MODEL"): config.model = env_model``): with the variables
    unset, the reading every model rule takes, none of them runs."""
    import ast

    if b"environ" not in data and b"getenv" not in data:
        return False  # no environment read: no assignment is guarded by one
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    guarded: set[int] = set()
    for node in walk(tree):
        if isinstance(node, ast.If) and _ENV_READ.search(ast.unparse(node.test)):
            guarded.update(id(n) for st in node.body for n in walk(st))
    sets = [n for n in walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign)) and any(
        isinstance(t, ast.Attribute) and t.attr == field and not (isinstance(t.value, ast.Name) and t.value.id == "self")
        for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    return bool(sets) and all(id(n) in guarded for n in sets)
