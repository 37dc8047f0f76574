"""Node positions for a libcst module, computed for the statement that holds the node only.

libcst's ``PositionProvider`` generates the code of the whole module to place any node (and its
``MetadataWrapper`` first walks the whole tree once more for batched providers it does not have).
A finding needs the positions of a handful of nodes, usually inside one statement of a long module,
so :class:`Positions` generates the code of the innermost statement that holds the asked-for node,
alone, at that statement's indentation, and moves the result down to the statement's line:

* where each statement starts (line and indentation) comes from the :mod:`ast` tree of the same
  text; the statements of both trees are paired by a parallel walk (a libcst statement line is as
  many :mod:`ast` statements as it has small statements, a compound statement is one);
* the generated lines must be the file's lines at that place, character for character, so the
  columns need no adjustment and a wrong pairing cannot go unnoticed.

Anything that does not line up exactly (the trees do not pair, the generated text differs, a node
outside every statement such as header comments) falls back to the whole-module provider, so the
positions are always libcst's own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from pytest_tokenbudget.lint.types import Range

__all__ = ["Positions", "codegen_positions"]

_NEWLINE = re.compile(r"\r\n?|\n")


def codegen_positions(module: Any, node: Any = None, indent: str = "") -> tuple[Mapping[Any, Any], str]:
    """libcst's PositionProvider result (node -> CodeRange) and the generated code for ``module``,
    or for one statement ``node`` of it generated at ``indent`` (its lines then start at 1);
    without the extra walk ``MetadataWrapper`` makes for batched providers."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        from libcst.metadata.position_provider import PositionProvidingCodegenState

        provider = PositionProvider()
        state = PositionProvidingCodegenState(default_indent=module.default_indent,
                                              default_newline=module.default_newline, provider=provider)
        if node is None:
            module._codegen(state)
        else:
            state.increase_indent(indent)
            node._codegen(state)
        return provider._computed, "".join(state.tokens)
    except (ImportError, AttributeError, TypeError):  # libcst internals changed: the public way
        if node is not None:
            return {}, ""
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider), module.code


def _range(r: Any, line_shift: int = 0) -> Range:
    return Range(r.start.line + line_shift, r.start.column + 1, r.end.line + line_shift, r.end.column + 1)


class Positions:
    """Lazy node -> :class:`~.types.Range` for one libcst module (``text``: the module's source,
    for the :mod:`ast` statement starts; without it every position comes from the whole module)."""

    def __init__(self, module: Any, text: str | None = None, tree: ast.Module | None = None) -> None:
        self.module = module
        self._text = text
        self._tree = tree  # the text's ast tree when the caller has it (else parsed when first needed)
        self._lines: list[str] | None = None
        self._index: dict[Any, Range] | None = None  # the whole-module fallback
        self._known: dict[Any, Range] = {}
        self._holder: dict[int, Any] = {}  # id(node) -> innermost statement holding it
        self._walked = 0  # top-level statements walked into _holder so far
        self._starts: dict[int, tuple[int, int]] | None = None  # id(statement) -> (line, column)

    @property
    def computed(self) -> bool:
        """Whether any position has been computed yet."""
        return self._index is not None or bool(self._known)

    def __call__(self, node: Any, within: Any = None) -> Range:
        """``node``'s range; ``within``: a statement that probably holds it (the definition around a
        call), or several (innermost first), walked first so that the statements before them need
        not be (any answer is the same)."""
        hit = self._known.get(node)
        if hit is not None:
            return hit
        if self._index is None:
            stmt = self._statement_of(node, within)
            if stmt is not None and self._place(stmt):
                hit = self._known.get(node)
                if hit is not None:
                    return hit
            self._index = {n: _range(r) for n, r in codegen_positions(self.module)[0].items()}
        return self._index[node]

    # ------------------------------------------------------------------ which statement
    def _statement_of(self, node: Any, within: Any = None) -> Any:
        holder = self._holder
        found = holder.get(id(node))
        for stmt in within if isinstance(within, tuple) else (within,):
            if found is not None:
                break
            if stmt is not None and id(stmt) not in holder:
                _hold(stmt, holder)  # a statement's own walk gives its nodes the same holders as the module's
                found = holder.get(id(node))
        body = self.module.body
        while found is None and self._walked < len(body):
            _hold(body[self._walked], holder)
            self._walked += 1
            found = holder.get(id(node))
        return found

    # ------------------------------------------------------------------ where statements start
    def _statement_starts(self) -> dict[int, tuple[int, int]] | None:
        if self._starts is None and self._text is not None:
            import warnings

            tree, self._tree = self._tree, None
            try:
                if tree is None:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # invalid escape sequences: not ours to report
                        tree = ast.parse(self._text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
            starts: dict[int, tuple[int, int]] = {}
            if _pair(self.module.body, tree.body, starts):
                self._starts = starts
        return self._starts

    def _place(self, stmt: Any) -> bool:
        """Positions of every node of ``stmt`` into ``_known``; False when they cannot be placed."""
        starts = self._statement_starts()
        start = starts.get(id(stmt)) if starts is not None else None
        if start is None:
            return False
        if self._lines is None:
            self._lines = _NEWLINE.split(self._text or "")
        real = self._lines
        line, column = start
        indent = real[line - 1][:column] if 0 < line <= len(real) else "x"
        if indent.strip():
            return False
        found, code = codegen_positions(self.module, stmt, indent)
        if stmt not in found:
            return False
        shift = line - found[stmt].start.line
        generated = _NEWLINE.split(code)
        if code.endswith(("\n", "\r")):
            generated.pop()  # after the last line break: where the next statement starts
        if shift < 0 or real[shift:shift + len(generated)] != generated:
            return False  # the statement's code is not the file's text at that place
        known = self._known
        for n, r in found.items():
            known[n] = _range(r, shift)
        return True


_KINDS: dict[type, int] = {}  # 1: a statement, 2: an If, 3: another node, 4: a sequence, 0: anything else


def _kind(t: type) -> int:
    """The kind of a node class; whitespace, comments, operators and brackets (two thirds of a
    module's nodes, holding only each other) are 0, not walked: a report never points at one (if
    one did, the node would have no holder and the whole-module positions would place it)."""
    import libcst as cst

    from pytest_tokenbudget.lint.cstwalk import TRIVIA

    k = _KINDS.get(t)
    if k is None:
        if t in TRIVIA:
            k = 0
        elif issubclass(t, cst.If):
            k = 2
        elif issubclass(t, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            k = 1
        else:
            k = 3 if issubclass(t, cst.CSTNode) else 4 if issubclass(t, (tuple, list)) else 0
        _KINDS[t] = k
    return k


def _hold(top: Any, holder: dict[int, Any]) -> None:
    """``holder[id(n)]`` = the innermost statement holding ``n``, for every node ``n`` of ``top`` (an
    ``elif`` belongs to its ``if``); depth first, children in libcst's order (:func:`.cstwalk.children`),
    with the node kinds looked up per class (libcst's node bases are ABCs: ``isinstance`` is slow)."""
    from pytest_tokenbudget.lint.cstwalk import visit_order

    kinds = _KINDS
    stack: list[tuple[Any, Any, Any]] = [(top, None, None)]
    pop, push = stack.pop, stack.append
    while stack:
        n, parent, stmt = pop()
        cls = type(n)
        k = kinds.get(cls) or _kind(cls)
        if (k == 1 or k == 2) and not (parent is not None and kinds.get(type(parent)) == 2 and parent.orelse is n):
            stmt = n
        holder[id(n)] = stmt
        for name in visit_order(cls):
            value = getattr(n, name)
            vk = kinds.get(type(value))
            if vk is None:
                vk = _kind(type(value))
            if 1 <= vk <= 3:
                push((value, n, stmt))
            elif vk == 4:
                for c in value:
                    ck = kinds.get(type(c))
                    if ck is None:
                        ck = _kind(type(c))
                    if 1 <= ck <= 3:
                        push((c, n, stmt))



def _pair(cst_body: Any, ast_body: list[ast.stmt], out: dict[int, tuple[int, int]]) -> bool:
    """Record where each libcst statement of ``cst_body`` starts (its :mod:`ast` twin's line and
    column), recursively; False when the two statement lists do not line up."""
    import libcst as cst

    k = 0
    for st in cst_body:
        if k >= len(ast_body):
            return False
        a = ast_body[k]
        out[id(st)] = (a.lineno, a.col_offset)
        if isinstance(st, cst.SimpleStatementLine):
            k += len(st.body)
            continue
        k += 1
        if not _pair_compound(st, a, out):
            return False
    return k == len(ast_body)


def _pair_suite(suite: Any, ast_body: list[ast.stmt], out: dict[int, tuple[int, int]]) -> bool:
    """An indented block pairs statement by statement; ``if x: a; b`` (a suite on the header's
    line) holds small statements only: as many as the :mod:`ast` body."""
    import libcst as cst

    if isinstance(suite, cst.IndentedBlock):
        return _pair(suite.body, ast_body, out)
    return len(suite.body) == len(ast_body)


def _suite_pairs(st: Any, a: ast.stmt) -> list[tuple[Any, list[ast.stmt]]] | None:
    import libcst as cst

    if isinstance(st, (cst.FunctionDef, cst.ClassDef, cst.With)):
        ok = isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith))
        return [(st.body, a.body)] if ok else None  # type: ignore[attr-defined]
    if isinstance(st, (cst.For, cst.While)) and isinstance(a, (ast.For, ast.AsyncFor, ast.While)):
        return [(st.body, a.body), *([(st.orelse.body, a.orelse)] if st.orelse is not None else [])]
    if isinstance(st, (cst.Try, cst.TryStar)) and isinstance(a, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        if len(st.handlers) != len(a.handlers):
            return None
        return [(st.body, a.body), *((h.body, ah.body) for h, ah in zip(st.handlers, a.handlers)),
                *([(st.orelse.body, a.orelse)] if st.orelse is not None else []),
                *([(st.finalbody.body, a.finalbody)] if st.finalbody is not None else [])]
    if isinstance(st, cst.Match) and isinstance(a, getattr(ast, "Match", ())):
        if len(st.cases) != len(a.cases):  # type: ignore[attr-defined]
            return None
        return [(c.body, ac.body) for c, ac in zip(st.cases, a.cases)]  # type: ignore[attr-defined]
    return None


def _pair_compound(st: Any, a: ast.stmt, out: dict[int, tuple[int, int]]) -> bool:
    import libcst as cst

    while isinstance(st, cst.If):  # if / elif chains: the elif is the orelse's only statement
        if not isinstance(a, ast.If) or not _pair_suite(st.body, a.body, out):
            return False
        orelse = st.orelse
        if orelse is None:
            return not a.orelse
        if isinstance(orelse, cst.If):
            if len(a.orelse) != 1:
                return False
            st, a = orelse, a.orelse[0]
            out[id(st)] = (a.lineno, a.col_offset)
            continue
        return _pair_suite(orelse.body, a.orelse, out)
    pairs = _suite_pairs(st, a)
    if pairs is None:
        return False
    return all(_pair_suite(suite, stmts, out) for suite, stmts in pairs)
