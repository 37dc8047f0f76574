"""One libcst pass over a module: its scopes and bindings (names, imports, mutations, ``self.x``
attributes, loops) and the calls that could be API requests (:mod:`.callsites` traces them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import libcst as cst

from pytest_tokenbudget.lint.analysis.rebinding import unset_test
from pytest_tokenbudget.lint.analysis.resolve import Resolver
from pytest_tokenbudget.lint.analysis.scopes import Binding, ImportRef, Position, Scope, lookup
from pytest_tokenbudget.lint.analysis.wrappers import forwarded, wrapped_method
from pytest_tokenbudget.lint.loopjudge import APPLY_METHODS, MAP_FUNCTIONS, MAP_METHODS

__all__ = ["METHODS", "MUTATORS", "Candidate", "ModuleAnalysis", "ScopeBuilder", "analyse_module", "dotted"]

METHODS = frozenset({"create", "stream", "parse", "count_tokens", "tool_runner"})  # tool_runner: the SDK's agent loop

MUTATORS = {"append": "append", "extend": "extend", "insert": "insert", "update": "update",
             "setdefault": "update", "pop": "pop", "clear": "clear", "remove": "pop", "sort": "sort",
             "reverse": "sort"}


def _popped_key(node: cst.Call) -> str | None:
    """``"pop:model"`` for ``x.pop("model")`` / ``x.pop("model", None)``: a dict losing one known key
    (``kwargs.pop("model", None) or DEFAULT`` in a model-fallback wrapper), which
    :func:`.mutations.after_mutation` removes instead of forgetting the whole dict."""
    f = node.func
    if isinstance(f, cst.Attribute) and f.attr.value == "pop" and 1 <= len(node.args) <= 2 \
            and node.args[0].keyword is None and not node.args[0].star \
            and isinstance(node.args[0].value, cst.SimpleString):
        return "pop:" + node.args[0].value.evaluated_value
    return None


# a handler's binding is a fallback for a missing file, or for an optional package (``except ImportError:
# AnthropicVertex = None``): where the file or package is there, the handler never runs
_MISSING_ERRORS = frozenset({"FileNotFoundError", "OSError", "IOError", "PermissionError", "ImportError",
                          "ModuleNotFoundError"})


def _names_in(node: Any) -> Iterator[cst.Name]:
    """The names an ``except`` clause's type spells (``(FileNotFoundError, OSError)``, ``errors.X``)."""
    if isinstance(node, cst.Name):
        yield node
    elif isinstance(node, cst.Attribute):
        yield node.attr
    elif isinstance(node, cst.Tuple):
        for el in node.elements:
            yield from _names_in(el.value)


@dataclass
class Candidate:
    node: cst.Call
    scope: Scope
    loops: tuple[tuple[str, Any, Any], ...]  # (kind, loop node, iter node)
    statement: Any
    awaited: bool
    at: Position | None = None

class ScopeBuilder(cst.CSTVisitor):
    """Builds scopes and collects candidate calls in one pass."""

    def __init__(self) -> None:
        self.module_scope = Scope("module", None, "<module>")
        self.scope = self.module_scope
        self.loops: list[tuple[str, Any, Any]] = []
        self.loop_stack_per_scope: list[list[tuple[str, Any, Any]]] = []
        self.statements: list[Any] = []
        self.blocks: list[int] = []  # the IndentedBlocks around the visit (for .scopes.Position)
        self.ticks = 0
        self.candidates: list[Candidate] = []
        self.alias_calls: list[Candidate] = []
        self.alias_names: set[str] = set()
        self.forwarded: list[Candidate] = []  # requests sent through a retry helper (see .wrappers)
        self.awaited: set[int] = set()
        self.missing_file: list[bool] = []  # per enclosing except handler: does it catch a missing file?
        self.if_unset: set[int] = set()  # the ``x = D`` of ``if x is None: x = D`` (see Binding.if_unset)
        self.mapped: dict[int, tuple[cst.Call, Any]] = {}  # id(lambda) -> the map running it and its items

    # ----------------------------------------------------------------- scopes
    def _push(self, scope: Scope) -> None:
        self.scope = scope
        self.loop_stack_per_scope.append(self.loops)
        self.loops = []

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent
        self.loops = self.loop_stack_per_scope.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        fn = Scope("function", self.scope, node.name.value, node, is_async=node.asynchronous is not None)
        self.scope.bind(node.name.value, Binding("def", node, scope=fn, at=self._position()))  # scope: its returns
        for dec in node.decorators:
            dec.visit(self)
        if self.scope.kind == "class":
            fn.owner_class = self.scope
            params = node.params.params or node.params.posonly_params
            is_static = any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
                            for d in node.decorators)
            if params and not is_static:
                fn.self_name = params[0].name.value
        # defaults and annotations are evaluated in the enclosing scope
        for p in _all_params(node.params):
            if p.default is not None:
                p.default.visit(self)
        return self._visit_body(fn, node)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        fn = Scope("lambda", self.scope, "<lambda>", node)
        return self._visit_body(fn, node, self.mapped.pop(id(node), None))

    def _visit_body(self, fn: Scope, node: cst.FunctionDef | cst.Lambda, per_item: Any = None) -> bool:
        """Visit a function's or lambda's body in its own scope, its parameters bound (``per_item``:
        the map a lambda is handed to, ``map(lambda r: ..., rows)``: the loop its body runs in, inside
        the loops around the map, as a comprehension's)."""
        self._push(fn)
        if per_item is not None:
            self.loops = [*self.loop_stack_per_scope[-1], ("map", *per_item)]
        for p in _all_params(node.params):
            fn.bind(p.name.value, Binding("param", p))
        node.body.visit(self)
        self._pop()
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        cls = Scope("class", self.scope, node.name.value, node)
        self.scope.bind(node.name.value, Binding("class", node, scope=cls))
        for b in node.bases:
            b.visit(self)
        self._push(cls)
        node.body.visit(self)
        self._pop()
        return False

    def _comp(self, node: Any) -> bool:
        comp = Scope("comprehension", self.scope, "<comp>", node)
        # the outermost iterable is evaluated in the enclosing scope
        node.for_in.iter.visit(self)
        self.scope = comp  # comprehensions keep the enclosing loops (they run inside them)
        self.loops.append(("comprehension", node, node.for_in.iter))
        for_in: Any = node.for_in
        first = True
        while for_in is not None:
            self._bind_target(for_in.target, Binding("other"))
            if not first:
                for_in.iter.visit(self)
            for cond in for_in.ifs:
                cond.visit(self)
            for_in = for_in.inner_for_in
            first = False
        if isinstance(node, cst.DictComp):
            node.key.visit(self)
            node.value.visit(self)
        else:
            node.elt.visit(self)
        self.loops.pop()
        self.scope = comp.parent  # type: ignore[assignment]
        return False

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comp

    def visit_Global(self, node: cst.Global) -> None:
        self.scope.globals_.update(n.name.value for n in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.scope.nonlocals.update(n.name.value for n in node.names)

    # ----------------------------------------------------------------- loops
    def visit_For(self, node: cst.For) -> bool:
        node.iter.visit(self)
        self._bind_target(node.target, Binding("loop", node.iter) if isinstance(node.target, cst.Name) else Binding("other"))
        self.loops.append(("async for" if node.asynchronous else "for", node, node.iter))
        node.body.visit(self)
        self.loops.pop()
        if node.orelse:
            node.orelse.visit(self)
        return False

    def visit_While(self, node: cst.While) -> bool:
        self.loops.append(("while", node, None))
        node.test.visit(self)
        node.body.visit(self)
        self.loops.pop()
        if node.orelse:
            node.orelse.visit(self)
        return False

    # ----------------------------------------------------------------- bindings
    def _position(self) -> Position:
        self.ticks += 1
        return Position(self.ticks, tuple(self.blocks), tuple(id(loop[1]) for loop in self.loops))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(id(node))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.blocks.pop()

    def _bind_target(self, target: Any, binding: Binding) -> None:
        if isinstance(target, cst.Name):  # ``global x`` first: the assignment binds the module's x
            binding = dataclasses.replace(binding, at=self._position())
            (self.scope.module() if target.value in self.scope.globals_ else self.scope).bind(target.value, binding)
        elif isinstance(target, (cst.Tuple, cst.List)):
            whole = binding.kind == "assign" and not any(isinstance(el, cst.StarredElement) for el in target.elements)
            for i, el in enumerate(target.elements):  # system, user = build_prompt(x): each its item of the value
                item = Binding("item", binding.node, index=(i, len(target.elements))) if whole else Binding("other")
                self._bind_target(el.value, item if isinstance(el.value, cst.Name) else Binding("other"))
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, Binding("other"))
        elif isinstance(target, cst.Attribute):
            self._bind_self_attr(target, binding)
        elif isinstance(target, cst.Subscript):
            self._mutate(target.value, "setitem")

    def _bind_self_attr(self, target: cst.Attribute, binding: Binding) -> None:
        fn = self.scope
        while fn.kind == "comprehension" and fn.parent is not None:
            fn = fn.parent
        if fn.kind == "function" and fn.owner_class is not None and isinstance(target.value, cst.Name) \
                and target.value.value == fn.self_name:
            b = Binding(binding.kind, binding.node, binding.ref, scope=fn)
            fn.owner_class.self_attrs.setdefault(target.attr.value, []).append(b)

    def _mutate(self, target: Any, op: str) -> None:
        while isinstance(target, cst.Subscript):  # blocks[-1]["cache_control"] = ...: blocks itself changes
            target = target.value
        if isinstance(target, cst.Name):
            found = self.scope
            # mutation of a name from an outer scope marks it where it is bound (when known)

            hit = lookup(target.value, found)
            where = hit[0] if hit else self.scope
            where.mutated.setdefault(target.value, set()).add(op)
        elif isinstance(target, cst.Attribute):
            # self.history.append(...) -> the attribute's value is not static
            fn = self.scope
            if fn.kind == "function" and fn.owner_class is not None and isinstance(target.value, cst.Name) \
                    and target.value.value == fn.self_name:
                fn.owner_class.self_attrs.setdefault(target.attr.value, []).append(Binding("other", scope=fn))

    def visit_If(self, node: cst.If) -> None:
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
        line = body[0] if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) else None
        assign = line.body[0] if line is not None and len(line.body) == 1 else None
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1 \
                and isinstance(t := assign.targets[0].target, cst.Name) and unset_test(node.test) == t.value:
            self.if_unset.add(id(assign))

    def visit_Assign(self, node: cst.Assign) -> None:
        fallback = bool(self.missing_file and self.missing_file[-1])
        target = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(node.value, cst.Name) and isinstance(target, cst.Name) and target.value == node.value.value \
                and self.scope.kind == "module":
            return  # ``query = query`` at module level changes nothing
        for t in node.targets:
            self._bind_target(t.target, Binding("assign", node.value, missing_file=fallback,
                                                if_unset=id(node) in self.if_unset))
            if isinstance(t.target, cst.Name) and (isinstance(node.value, cst.Attribute) and node.value.attr.value
                                                   in METHODS | {"messages", "completions", "batches"}
                                                   or wrapped_method(node.value) is not None):
                self.alias_names.add(t.target.value)  # create = client.messages.create / retry(...)(...create)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, Binding("assign", node.value))
        elif isinstance(node.target, cst.Name) and self.scope.kind == "class":
            # `client: Anthropic` in a class body: an annotated attribute (traced by its annotation)
            p = cst.Param(name=node.target, annotation=node.annotation)
            self.scope.bind(node.target.value, Binding("param", p))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.scope.bind(node.target.value, Binding("aug", node.value))
            self._mutate_if_outer(node.target)
        elif isinstance(node.target, cst.Attribute):
            self._bind_self_attr(node.target, Binding("aug", node.value))
        elif isinstance(node.target, cst.Subscript):
            self._mutate(node.target.value, "setitem")

    def _mutate_if_outer(self, target: cst.Name) -> None:
        # `x += [...]` on a list rebinds locally; treat as a mutation for the list logic too
        self.scope.mutated.setdefault(target.value, set()).add("extend")

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, Binding("assign", node.value))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bind(alias.asname.name.value, Binding("import", ref=ImportRef(full)))
            else:
                top = full.split(".", 1)[0]
                self.scope.bind(top, Binding("import", ref=ImportRef(top)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        mod = dotted(node.module) if node.module is not None else ""
        prefix = "." * len(node.relative) + (mod or "")
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name)
            if name is None:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) \
                else name
            sep = "" if prefix and set(prefix) == {"."} else "."  # `from . import x` is ".x"
            self.scope.bind(local, Binding("import", ref=ImportRef(f"{prefix}{sep}{name}" if prefix else name)))

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if item.asname is not None:
                self._bind_target(item.asname.name, Binding("with", item.item))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, Binding("other"))
        names = {n.value for n in _names_in(node.type)} if node.type is not None else set()
        self.missing_file.append(bool(names & _MISSING_ERRORS))

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self.missing_file.pop()

    def visit_Del(self, node: cst.Del) -> None:
        if isinstance(node.target, cst.Name):
            self.scope.bind(node.target.value, Binding("other"))

    # ----------------------------------------------------------------- statements & calls
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statements.append(node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self.statements.pop()

    def visit_Await(self, node: cst.Await) -> None:
        self.awaited.add(id(node.expression))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            if name in METHODS:
                self.candidates.append(self._candidate(node))
            elif name in MUTATORS:
                self._mutate(func.value, _popped_key(node) or MUTATORS[name])
        elif isinstance(func, cst.Name):
            self.alias_calls.append(self._candidate(node))
        if forwarded(node) is not None:  # call_with_retry(client.messages.create, ...)
            self.forwarded.append(self._candidate(node))
        mapped = _maps_a_lambda(node)
        if mapped is not None:
            self.mapped[id(node.args[0].value)] = (node, mapped)

    def _candidate(self, node: cst.Call) -> Candidate:
        return Candidate(node, self.scope, tuple(self.loops), self.statements[-1] if self.statements else None,
                          id(node) in self.awaited, self._position())


def _maps_a_lambda(call: cst.Call) -> Any:
    """The items of ``map(lambda r: ..., rows)``, ``pool.map(lambda r: ..., rows)``, ``thread_map``
    and ``df["text"].apply(lambda t: ...)``: a call that runs the lambda it is given once per item
    (the ast reading of the same shapes: :func:`..loopjudge.mapped`); None for any other call."""
    func, args = call.func, call.args
    if not args or not isinstance(args[0].value, cst.Lambda) or args[0].keyword is not None:
        return None
    name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else ""
    if isinstance(func, cst.Attribute) and name in APPLY_METHODS:
        return func.value
    if name in MAP_FUNCTIONS or isinstance(func, cst.Attribute) and name in MAP_METHODS:
        return args[1].value if len(args) > 1 else None
    return None


def _all_params(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg

def dotted(node: Any) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None

@dataclass
class ModuleAnalysis:
    """The scopes and candidate calls of one parsed module."""

    module: cst.Module
    builder: ScopeBuilder
    resolver: Resolver

    def release(self) -> None:
        """Break the scope tree's reference cycles (a scope's ``def``/``class`` binding holds the inner
        scope, which names it as its parent and owner), once nothing will read them again: the tree
        and the libcst nodes its bindings hold are then freed when the check drops them, not at a
        collection of the middle generation, which a run makes rarely (``engine._few_collections``)
        and which found a 280 KB module's 107,000 nodes still alive after its check."""
        stack = [self.builder.module_scope]
        while stack:
            scope = stack.pop()
            for bindings in (*scope.bindings.values(), *scope.self_attrs.values()):
                stack.extend(b.scope for b in bindings if b.scope is not None and b.scope is not scope)
            scope.bindings, scope.self_attrs, scope.parent, scope.owner_class = {}, {}, None, None

def analyse_module(module: cst.Module) -> ModuleAnalysis:
    builder = ScopeBuilder()
    module.visit(builder)
    return ModuleAnalysis(module, builder, Resolver())
