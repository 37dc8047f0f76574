"""A file's source: read its bytes, decode them (or join a notebook's code cells), compile-check
them with the C parser, and parse them once with libcst.

:func:`load` turns bytes into a :class:`Source` (text, the :mod:`ast` tree, the notebook cell map)
or a :class:`~.results.FileError`; the byte and :mod:`ast` prefilters run on the way, so a file
that cannot hold a call costs one C parse at most. :func:`parse` gives the libcst module and lazy
node positions. ``lint`` and ``estimate`` both start here.

Notebooks: the code cells become one Python module, with a map back to (cell, line). Cells are
joined in order (so an import in cell 1 traces a client used in cell 5). IPython lines
(``%magic``, ``!shell``, ``?help``) become comments so that line numbers stay put; ``%time stmt``
keeps its statement, ``x = !cmd`` becomes ``x = None``, and the body of a non-Python cell magic
(``%%bash``, ``%%html`` ...) is blanked, so one such cell does not make the notebook unparsable.
A code cell that still does not parse on its own (a lesson's illustrative JSON, a typo) is left
out and reported (E999 at its cell and line); the notebook's other cells are linted.
"""

from __future__ import annotations

import dataclasses
import ast
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_tokenbudget.lint.discover import file_kind
from pytest_tokenbudget.lint.prefilter import PREFILTER_NODES, may_contain_calls, nodes_may_contain_calls
from pytest_tokenbudget.lint.results import FileError
from pytest_tokenbudget.lint.positions import Positions

__all__ = ["MAX_NESTING", "NotebookError", "NotebookSource", "Parsed", "Positions", "Source", "decode",
           "display_path", "from_text", "load", "notebook_source", "parse", "read_file"]

MAX_NESTING = 1000  # deeper code is reported, not analysed (libcst parses it in quadratic time)
CellOf = Callable[[int], tuple[int, int]]


class NotebookError(ValueError):
    """Not a readable .ipynb document."""


@dataclass(frozen=True)
class NotebookSource:
    code: str
    line_map: tuple[tuple[int, int], ...]  # module line (1-based) - 1 -> (cell number, line in cell)

    def locate(self, line: int) -> tuple[int, int]:
        """(1-based code cell number, line within the cell) of a module line."""
        if 1 <= line <= len(self.line_map):
            return self.line_map[line - 1]
        return (self.line_map[-1] if self.line_map else (1, line))


# Cell magics whose body is Python (the rest, %%bash, %%html, %%sql ..., are blanked out).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3"})
_LINE_MAGIC_STATEMENT = re.compile(r"^%(?:time|timeit|prun)\s+(?!-)(.+)$")  # (with options: a comment)
_COMPOUND = frozenset({"if", "for", "while", "with", "def", "class", "try", "async", "match", "elif", "else",
                       "except", "finally", "@"})
_SHELL_ASSIGNMENT = re.compile(r"^([A-Za-z_][\w, ]*?)\s*=\s*([!%].*)$")


_HELP_SUFFIX = re.compile(r"^[A-Za-z_][\w.]*\?{1,2}$")


class ForeignNotebook(NotebookError):
    """A notebook whose kernel is not Python (TypeScript / Deno, R, Julia ...): not analysed."""


def notebook_language(doc: Any) -> str | None:
    """The notebook's kernel language (``metadata.kernelspec.language``, else
    ``metadata.language_info.name``), or ``None`` when it does not say."""
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if not isinstance(meta, dict):
        return None
    for key, field_ in (("kernelspec", "language"), ("language_info", "name")):
        table = meta.get(key)
        if isinstance(table, dict) and isinstance(table.get(field_), str) and table[field_].strip():
            return table[field_].strip()
    return None


def notebook_source(data: bytes) -> NotebookSource:
    if not data.strip():  # (json's "Expecting value: line 1 column 1 (char 0)" says neither what nor how)
        raise NotebookError("the file is empty, and a notebook is JSON with a 'cells' list (Jupyter cannot "
                            "open it either): delete it, or save it again from the editor")
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise NotebookError(f"broken JSON: {exc}") from None
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no 'cells' list at the top level")
    language = notebook_language(doc)
    if language is not None and not language.lower().startswith(("python", "ipython")):
        raise ForeignNotebook(language)
    lines: list[str] = []
    line_map: list[tuple[int, int]] = []
    cell_no = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cell_no += 1
        src = cell.get("source", "")
        if isinstance(src, list) and all(isinstance(x, str) for x in src):
            text = "".join(src)
        elif isinstance(src, str) or src is None:
            text = src or ""
        else:
            raise NotebookError(f"code cell {cell_no}: 'source' is not text or a list of lines")
        cell_lines = text.split("\n")
        first = cell_lines[0].lstrip()
        foreign = first.startswith("%%") and first[2:].split(" ", 1)[0].strip() not in _PYTHON_CELL_MAGICS
        continued: str | None = None  # indent of a magic / shell line continued with a backslash
        for i, line in enumerate(cell_lines):
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            magic = continued is not None or stripped.startswith(("%", "!", "?")) or \
                bool(_SHELL_ASSIGNMENT.match(stripped)) or bool(_HELP_SUFFIX.match(stripped))
            if continued is not None:  # !pip install a \ <newline> b: the rest of the shell command
                line, indent = f"{continued}pass  # {stripped}", continued
            elif foreign:  # %%bash, %%html, %%sql ...: not Python; keep the line count
                line = "pass  # cell magic" if i == 0 else ""
            elif _HELP_SUFFIX.match(stripped):  # obj? / obj.attr??: IPython help
                line = f"{indent}pass  # {stripped}"
            elif (m := _LINE_MAGIC_STATEMENT.match(stripped)) is not None and \
                    m.group(1).split(" ", 1)[0].rstrip(":") not in _COMPOUND:
                # %time x = f(): the statement runs, so it is linted; "pass;" + spaces keeps columns
                line = indent + "pass;".ljust(len(stripped) - len(m.group(1))) + m.group(1)
            elif stripped.startswith(("%", "!", "?")):
                line = f"{indent}pass  # {stripped}" if stripped.startswith(("%", "!")) else f"{indent}pass"
            elif (m := _SHELL_ASSIGNMENT.match(stripped)) is not None:
                line = f"{indent}{m.group(1)} = None  # {m.group(2)}"  # x = !ls / x = %sx ls
            continued = indent if magic and not foreign and stripped.endswith("\\") else None
            lines.append(line)
            line_map.append((cell_no, i + 1))
    return NotebookSource("\n".join(lines) + "\n", tuple(line_map))


def _without_broken_cells(nb: NotebookSource) -> tuple[str, list[tuple[int, int, int, str]]]:
    """The notebook's code with each code cell that does not parse on its own blanked (line numbers
    kept), and (cell, line, column, message) for each; asked only when the whole notebook does not
    parse, so a healthy notebook is parsed once."""
    lines = nb.code.split("\n")
    cells: dict[int, list[int]] = {}
    for i, (cell, _) in enumerate(nb.line_map):
        cells.setdefault(cell, []).append(i)
    broken: list[tuple[int, int, int, str]] = []
    for cell, rows in cells.items():
        error = _cell_error("\n".join(lines[i] for i in rows))
        if error is not None:  # illustrative non-code in a code cell: left out, the other cells are linted
            for n, i in enumerate(rows):
                lines[i] = "pass  # a code cell Python cannot parse" if n == 0 else ""
            broken.append((cell, *error))
    return "\n".join(lines), broken


def _cell_error(code: str) -> tuple[int, int, str] | None:
    """(line, column, Python's message) when one cell's code does not parse on its own (each cell
    runs alone in Jupyter); None when it parses, or when only the newer f-string syntax of Python
    3.12 stops this interpreter (the whole notebook then goes through :mod:`.newsyntax`)."""
    import warnings

    nul = code.find("\0")
    if nul >= 0:
        return code.count("\n", 0, nul) + 1, nul - code.rfind("\n", 0, nul), "the cell contains a NUL byte"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(code)
        return None
    except SyntaxError as exc:
        if _newer_syntax(code) is not None:
            return None
        return exc.lineno or 1, exc.offset or 1, exc.msg
    except (RecursionError, MemoryError, ValueError):
        return None  # the whole notebook's compile check reports it


# --------------------------------------------------------------------------- reading
def display_path(path: str) -> str:
    """A path as shown in output: relative to the cwd when below it, POSIX separators."""
    p = Path(path)
    try:
        if p.is_absolute():
            return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        pass
    return p.as_posix()


def read_file(f: str) -> tuple[bytes, os.stat_result] | FileError:
    """A file's bytes, or the per-file diagnostic: ``read`` (exit 2) for what the user must fix
    (permissions, I/O errors, a named path that does not exist), ``skip`` for what has nothing to
    lint (symbolic link loops, dangling links, FIFOs and devices, which would block a plain read)."""
    import errno
    import stat as st_mod

    try:  # the path is made displayable only for a diagnostic (it is a cwd lookup per file)
        fd = os.open(f, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileError(display_path(f), "skip", "skipped: symbolic link loop (the link never reaches a file)")
        if exc.errno == errno.ENOENT and os.path.islink(f):
            return FileError(display_path(f), "skip", f"skipped: dangling symbolic link to {os.readlink(f)}")
        return FileError(display_path(f), "read", f"cannot read: {exc.strerror or exc}")
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not st_mod.S_ISREG(st.st_mode):
                return FileError(display_path(f), "skip", f"skipped: not a regular file ({file_kind(st.st_mode)})")
            return fh.read(), st
    except OSError as exc:
        return FileError(display_path(f), "read", f"cannot read: {exc.strerror or exc}")


# --------------------------------------------------------------------------- decoding
class DecodeError(ValueError):
    """Bytes that are not text in the encoding Python would read them with."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def decode(data: bytes) -> str:
    """Source bytes -> text as Python reads them: a UTF-8 BOM, else a PEP 263 coding line, else UTF-8."""
    import io
    import tokenize

    try:
        enc, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # unknown codec, BOM with another coding line, or a non-UTF-8 first line
        if data.startswith(b"\xef\xbb\xbf") and "encoding problem" in str(exc):
            raise DecodeError("the file starts with a UTF-8 byte order mark but its coding line declares "
                              "another encoding") from None
        if "encoding" in str(exc) and "invalid or missing" not in str(exc):
            raise DecodeError(f"{exc}") from None
        enc = "utf-8"
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        declared = enc not in ("utf-8", "utf-8-sig")
        hint = ("the bytes do not match the declared coding" if declared else
                "save it as UTF-8 or declare its encoding with a '# -*- coding: <name> -*-' line")
        raise DecodeError(f"not valid {enc}: byte 0x{data[exc.start]:02x} on line {line}; {hint}", line) from None
    except LookupError as exc:
        raise DecodeError(f"unknown encoding {enc!r}: {exc}") from None


# --------------------------------------------------------------------------- loading
@dataclass(frozen=True)
class Source:
    """A file's text as Python reads it, with its :mod:`ast` tree and, for a notebook, the map from
    module lines to (cell, line in cell)."""

    path: str
    text: str
    tree: ast.Module | None  # kept for the statement positions (:class:`.positions.Positions`)
    cell_of: CellOf | None = None
    broken_cells: tuple[FileError, ...] = ()  # a notebook's code cells that do not parse (left out)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


def _too_big(size: int, path: str, limit: int, what: str) -> FileError | None:
    if not limit or size <= limit:
        return None
    return FileError(path, "skip", f"not analysed: {what} {_mb(size)}, over the {_mb(limit)} limit (raise it with "
                                   "--max-file-size or max-file-size in [tool.tokenbudget.lint], or exclude the file)")


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


_APPLEDOUBLE = b"\x00\x05\x16\x07"  # the magic number of macOS's "._name" metadata sidecar files


def may_hold_calls(data: bytes, path: str) -> bool:
    """The byte prefilter for one file (a notebook's JSON escapes line breaks; a broken notebook
    goes on, to be reported). The AppleDouble ``._name.ipynb`` / ``._name.py`` sidecar that macOS
    leaves beside a file on other disks and in zips' ``__MACOSX`` folders is metadata, never code."""
    if data.startswith(_APPLEDOUBLE):
        return False
    if path.endswith(".ipynb"):
        return may_contain_calls(data.replace(b"\\n", b"\n")) or not _is_json(data)
    return may_contain_calls(data)


def load(data: bytes, path: str, options: Mapping[str, Any], *, prefilter: bool = True) -> Source | FileError | None:
    """``data`` as a :class:`Source`, a diagnostic, or ``None`` when the :mod:`ast` prefilter shows
    the file holds no call the analysis could report (``prefilter=False``: never ``None``)."""
    limit = options.get("max-file-size") or 0
    cell_of = None
    if path.endswith(".ipynb"):
        try:
            nb = notebook_source(data)
        except ForeignNotebook as exc:
            return FileError(path, "skip", f"not analysed: the notebook's kernel language is {exc} "
                                           "(only Python kernels are linted)")
        except NotebookError as exc:
            return FileError(path, "parse", f"cannot parse notebook: {exc}")
        text, cell_of, prefilter = nb.code, nb.locate, False
        too_big = _too_big(len(text.encode()), path, limit, "its code cells are")
        if too_big is None:
            loaded = from_text(text, path, cell_of, prefilter=prefilter)
            if not (isinstance(loaded, FileError) and loaded.kind == "parse" and loaded.cell is not None):
                return loaded
            text, broken = _without_broken_cells(nb)
            loaded = from_text(text, path, cell_of, prefilter=prefilter)
            return dataclasses.replace(loaded, broken_cells=tuple(
                FileError(path, "parse", f"cannot parse code cell {cell}: {msg}; the notebook's other cells are linted",
                          line, column, cell) for cell, line, column, msg in broken)) \
                if isinstance(loaded, Source) and broken else loaded
    else:
        too_big = _too_big(len(data), path, limit, "it is")
        if too_big is None:
            try:
                text = decode(data)
            except DecodeError as exc:
                return FileError(path, "parse", f"cannot decode: {exc}", exc.line)
    if too_big is not None:
        return too_big
    return from_text(text, path, cell_of, prefilter=prefilter)


def from_text(text: str, path: str, cell_of: CellOf | None = None, *,
              prefilter: bool = False) -> Source | FileError | None:
    """``text`` as a :class:`Source` once it compiles and is not nested too deeply for the analysis
    (``None``: with ``prefilter``, the :mod:`ast` tree shows no call the analysis could report)."""
    tree = _compile(text, path, cell_of)
    if isinstance(tree, FileError):
        return tree
    depth, nodes = _depth_and_nodes(tree, PREFILTER_NODES)
    if prefilter and not nodes_may_contain_calls(nodes):
        return None
    if depth > MAX_NESTING:
        return FileError(path, "parse", f"not analysed: code nested {depth} levels deep (the analyser's limit is "
                                        f"{MAX_NESTING}); split the expression to have this file checked")
    return Source(path, text, tree, cell_of)


def _located(path: str, message: str, line: int, column: int, cell_of: CellOf | None) -> FileError:
    cell = None
    if cell_of is not None:
        cell, line = cell_of(line)
    return FileError(path, "parse", message, max(line, 1), max(column, 1), cell)


def _compile(text: str, path: str, cell_of: CellOf | None) -> ast.Module | FileError:
    """The :mod:`ast` tree, or what Python itself cannot compile, with Python's own message.

    The C parser is fast, its messages are Python's ("invalid syntax", "'(' was never closed"),
    and it fails quickly on input that libcst parses in quadratic time (very long operator
    chains, hundreds of nested brackets).
    """
    import warnings

    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return _located(path, "cannot parse: the file contains a NUL byte (Python cannot compile it)", line,
                        nul - text.rfind("\n", 0, nul), cell_of)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are not ours to report
            return ast.parse(text)
    except SyntaxError as exc:
        newer = _newer_syntax(text)
        if newer is not None:
            return newer
        return _located(path, f"cannot parse: {exc.msg}", exc.lineno or 1, exc.offset or 1, cell_of)
    except (RecursionError, MemoryError):
        return FileError(path, "parse", "cannot parse: too deeply nested for Python's parser (Python cannot "
                                        "compile it either)")
    except ValueError as exc:
        return FileError(path, "parse", f"cannot parse: {exc}")


def _newer_syntax(text: str) -> ast.Module | None:
    """Under Python < 3.12, the tree of a file only the newer f-string syntax kept :mod:`ast` from
    parsing (see :mod:`.newsyntax`); None otherwise."""
    from pytest_tokenbudget.lint import newsyntax

    return newsyntax.masked_tree(text) if newsyntax.NEEDS_MASKING else None


def _depth_and_nodes(tree: Any, kinds: tuple[type, ...]) -> tuple[int, list[Any]]:
    """The deepest nesting of an :mod:`ast` tree (counted as :func:`ast.iter_child_nodes` nests)
    and its nodes of ``kinds``, in one walk: iterative (the tree may be too deep to recurse), fields
    read directly, without a generator per node, since this walks every node of every candidate."""
    node_type, best, found = ast.AST, 0, []
    stack = [(tree, 1)]
    pop, push, keep = stack.pop, stack.append, found.append
    while stack:
        node, depth = pop()
        if depth > best:
            best = depth
        if isinstance(node, kinds):
            keep(node)
        depth += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                push((value, depth))
            elif isinstance(value, list):
                for child in value:
                    if isinstance(child, node_type):
                        push((child, depth))
    return best, found


# --------------------------------------------------------------------------- libcst
@dataclass(frozen=True)
class Parsed:
    """A :class:`Source` parsed by libcst, with lazy positions."""

    source: Source
    module: Any
    positions: Positions
    retabbed: bool = False  # parsed with the tabs of its indentation expanded: columns there moved, no fixes


_VALIDATE: Any = None  # libcst's own CSTNode.__post_init__, kept by the first parse


def _trusted(self: Any) -> None:
    """``CSTNode.__post_init__`` while libcst's own parser builds the nodes: no re-validation."""


def parse(source: Source) -> Parsed | FileError:
    """The libcst module of ``source`` (its one libcst parse), or the parse diagnostic."""
    import libcst as cst

    from pytest_tokenbudget.lint.cstwalk import install

    install()  # the analysis's visitors traverse without rebuilding the tree (same calls, same order)
    path = source.path
    global _VALIDATE
    if _VALIDATE is None:
        _VALIDATE = cst.CSTNode.__dict__["__post_init__"]
    try:
        # The parser builds only valid nodes; re-checking each one (a fifth of the parse) is skipped.
        cst.CSTNode.__post_init__ = _trusted  # type: ignore[method-assign]
        try:
            module = cst.parse_module(source.text)
        finally:
            cst.CSTNode.__post_init__ = _VALIDATE  # type: ignore[method-assign]
    except cst.ParserSyntaxError as exc:
        retabbed = _retabbed(source)
        if retabbed is not None:
            return retabbed
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid syntax"
        return _located(path, f"cannot parse: {msg}", exc.raw_line, exc.raw_column + 1, source.cell_of)
    except Exception as exc:  # libcst raises other errors on odd input (e.g. invalid encodings)
        return FileError(path, "parse", f"cannot parse: {exc}")
    return Parsed(source, module, Positions(module, source.text, source.tree))


_INDENT = re.compile(r"^[ \t]*\t[ \t]*", re.M)


def _retabbed(source: Source) -> Parsed | None:
    """A file Python compiles whose indentation mixes tabs and spaces (``"  \\tx"`` under eight spaces:
    Python counts a tab to the next multiple of eight) but libcst's tokenizer rejects ("no matching
    outer block for dedent"): parsed again with those tabs expanded, lines unchanged (a string line's
    leading tabs too: a prompt's length barely moves). Its findings keep their lines; columns on such
    lines count the expanded tabs, and fixes are left out."""
    import libcst as cst

    if source.tree is None or "\t" not in source.text:
        return None
    text = _INDENT.sub(lambda m: m.group(0).expandtabs(8), source.text)
    try:
        module = cst.parse_module(text)
        tree = ast.parse(text)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return None
    moved = dataclasses.replace(source, text=text, tree=tree)
    return Parsed(moved, module, Positions(module, text, tree), retabbed=True)
