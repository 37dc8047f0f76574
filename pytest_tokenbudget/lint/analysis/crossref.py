"""The resolver's bridge to the project index (:mod:`..project`) and to prompt files.

* :func:`imported` — an imported name (``from .prompts import SYSTEM``, ``prompts.SYSTEM``,
  ``config.MODEL``) as the value the index finds in the project, else the import reference;
* :func:`called` — a call of a project function that returns a constant or a template;
* :func:`fallback` — an expression the libcst resolver could not evaluate (file reads, path
  arithmetic, ``.replace`` / ``string.Template`` / Jinja rendering) evaluated by the :mod:`ast`
  evaluator, names looked up through the libcst scopes.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator
from typing import Any

from pytest_tokenbudget.lint.analysis.values import UNKNOWN
from pytest_tokenbudget.lint.astwalk import walk

__all__ = ["imported", "called", "fallback", "module_value", "loop_callers", "not_batch_work", "reads_message",
           "passed", "project_mentions", "sent_once"]


def _project():
    from pytest_tokenbudget.lint.project import active

    return active()


def imported(ref: Any) -> Any:
    """The project's value for an imported name, or ``ref`` itself (a module, an SDK name ...)."""
    act = _project()
    if act is None or ref.root in ("anthropic", "openai", "builtins"):
        return ref
    found = act[0].value(ref.qualname, act[1])
    if found is None or found[0] is UNKNOWN:
        from pytest_tokenbudget.lint.analysis.imported_clients import imported_client

        return imported_client(act[0], ref.qualname, act[1]) or ref  # `from .llm import client`
    return found[0]


def imported_member(found: Any, attr: str) -> tuple[Any] | None:
    """``(value,)`` of ``name.attr`` when ``found`` (a lookup's scope and bindings) binds ``name`` by
    one import and the project knows ``module.name.attr`` (where it is written too), else None."""
    if found is None or len(found[1]) != 1 or found[1][0].kind != "import":
        return None
    via = imported(found[1][0].ref.attr(attr))
    return (via,) if via is not UNKNOWN and type(via).__name__ != "ImportRef" else None


def called(ref: Any, local: str | None = None) -> Any:
    """The value a project function returns (``ref``: an imported one; ``local``: one of this file)."""
    act = _project()
    if act is None:
        return UNKNOWN
    project, path = act
    if local is not None:
        found = project._name(path, local + "()")
    elif ref is not None and ref.root not in ("anthropic", "openai", "builtins"):
        found = project.value(ref.qualname, path, call=True)
    else:
        return UNKNOWN
    return found[0] if found else UNKNOWN


def module_value(name: str) -> Any:
    """A module-level name of the file being checked, as the index evaluates it (file reads ...)."""
    act = _project()
    if act is None:
        return UNKNOWN
    found = act[0]._name(act[1], name)
    return found[0] if found else UNKNOWN


def filled_local(function: str, name: str) -> Any:
    """A list ``function`` of the file being checked fills by appends (``messages = []`` then few-shot
    turns appended in a loop over examples), as the index evaluates it (:mod:`..filled_lists`)."""
    act = _project()
    mod = act[0]._load(act[1]) if act is not None else None
    tree = mod.parse() if mod is not None else None
    from pytest_tokenbudget.lint.callnames import find_def

    fn = find_def(tree, function) if tree is not None else None
    if fn is None:
        return UNKNOWN
    local = act[0]._locals(fn)
    value = local.get(name)
    return act[0]._evaluator(mod, local).expr(value) if isinstance(value, ast.expr) else UNKNOWN


def self_chains(resolver: Any, scope: Any, depth: int) -> Callable[[str], Any]:
    """``self.<chain>`` as ``resolver`` reads it in ``scope``, once per scope and chain: a fresh node
    each time would escape the resolver's memo, and ``self.m = cfg.get(k, self.m)`` asks it again
    while it is being answered (unknown then, not an endless descent)."""
    import libcst as cst

    def read(chain: str) -> Any:
        key = (id(scope), "self." + chain)
        if key not in resolver._memo and key not in resolver._active:
            resolver._active.add(key)
            try:
                resolver._memo[key] = resolver.expr(cst.parse_expression(f"self.{chain}"), scope, depth)
            finally:
                resolver._active.discard(key)
        return resolver._memo.get(key, UNKNOWN)

    return read


def fallback(node: Any, name: Callable[[str], Any], self_attr: Callable[[str], Any] | None = None) -> Any:
    """``node`` evaluated by the ast evaluator (prompt files, path arithmetic, templates); ``name`` and
    ``self_attr`` (``self.model`` -> ``"model"``) give what the file's own resolver knows."""
    act = _project()
    if act is None:
        return UNKNOWN
    project, path = act
    tree = _as_ast(node, path)
    if tree is None:
        return UNKNOWN
    from pytest_tokenbudget.lint.config_values import dotted_name
    from pytest_tokenbudget.lint.evaluate import Evaluator

    def head(n: str) -> str:
        ref = name(n)
        return ref.qualname if type(ref).__name__ == "ImportRef" else n

    def qualname(n: ast.expr) -> str | None:
        return dotted_name(n, head)

    ev = Evaluator(path, name, qualname, lambda pkg: project.package_dir(pkg, path), project.root,
                   project._file_dep)
    ev.remember = project._remember
    ev.attribute = lambda n, attr: _module_attribute(project, path, n, attr)
    ev.project = project
    ev.self_attr = self_attr  # model_name or self.default_model
    return ev.expr(tree.body)


_AS_AST: dict[str, Any] = {"path": None}  # the checked file's nodes already turned into ast: id -> (node, tree)


def expression_ast(node: Any) -> ast.expr | None:
    """The :mod:`ast` expression a libcst expression of the checked file parses to (None: it does not
    parse alone), for the rules that judge loops and requests on :mod:`ast` (:mod:`..rules.batching`)."""
    act = _project()
    tree = _as_ast(node, act[1] if act is not None else None)
    return tree.body if tree is not None else None


def _as_ast(node: Any, path: str | None) -> ast.Expression | None:
    """``node``'s code parsed by :mod:`ast` (None: it does not parse alone). The resolvers of a file
    ask again for the same node (each caller's variant, each rule), so the file's answers are kept
    until the next file's: half the asks on the corpus tree were repeats (none kept without a
    project: the next file could not be told apart)."""
    import libcst as cst  # the analysis has it loaded already; rule modules must not import it

    if path is not None and _AS_AST["path"] != path:
        _AS_AST.clear()
        _AS_AST["path"] = path
    hit = _AS_AST.get(id(node)) if path is not None else None
    if hit is not None and hit[0] is node:
        return hit[1]
    try:
        tree = ast.parse("(" + cst.Module(body=[]).code_for_node(node) + ")", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    if path is not None:
        _AS_AST[id(node)] = (node, tree)
    return tree


def _module_attribute(project: Any, path: str, name: str, attr: str) -> Any:
    """``name.attr`` for a module-level object of the file being checked (``settings = Settings()``)."""
    found = project._name(path, f"{name}.{attr}")
    return found[0] if found else UNKNOWN


def loop_callers(function: str | None, line: int | None = None) -> list[Any]:
    """The loops elsewhere in the project that call ``function`` of the file being checked (none for
    a fallback only an ``except`` runs: it is not called per item; a loop in a function nothing
    calls does not count: :mod:`..uncalled`; nor one that flags the request on ``line`` for one of
    its items: :mod:`..loopguards`)."""
    act = _project()
    if act is None or not function:
        return []
    from pytest_tokenbudget.lint.livework import fallback_only

    if fallback_only(act[0], act[1], function):
        return []
    from pytest_tokenbudget.lint.arguments import parameter_values
    from pytest_tokenbudget.lint.callers import loop_callers as find

    project, path = act
    project.__dict__.setdefault("parameter_values", parameter_values)  # what a caller passes for a loop's list
    found = find(project, path, function, guarded=_guards(project, path, function, line))  # (dead code: passed over)
    for c in found:
        d = project.digest_of(c.path)
        if d is not None:
            project.deps[c.path] = d
    return found


def _guards(project: Any, path: str, function: str, line: int | None) -> frozenset[str]:
    from pytest_tokenbudget.lint.callnames import find_def, tree_of
    from pytest_tokenbudget.lint.loopguards import call_guards

    tree = tree_of(project, path) if line is not None and not path.endswith(".ipynb") else None
    fn = find_def(tree, function) if tree is not None else None
    return call_guards(fn, line) if fn is not None and line is not None else frozenset()


def passed(function: str, param: str) -> list[Any]:
    """What the project's callers of ``function`` (``f``, ``Cls.m``, ``Cls.__init__``) of the file
    being checked write for ``param`` (see :func:`..arguments.passed_values`)."""
    act = _project()
    if act is None:
        return []
    from pytest_tokenbudget.lint.arguments import passed_values

    return passed_values(act[0], act[1], function, param)


def project_mentions(needle: bytes) -> bool | None:
    """Whether any file of the project says ``needle`` (None when there is no project to ask)."""
    act = _project()
    if act is None:
        return None
    from pytest_tokenbudget.lint.project_text import mentions

    return mentions(act[0], needle)


def sent_once(function: str | None) -> bool:
    """``function`` of the file being checked is a script's helper its main block calls once per
    process (:mod:`..once_per_run`): its request is not repeated."""
    act = _project()
    if act is None:
        return False
    from pytest_tokenbudget.lint.once_per_run import runs_once

    return runs_once(act[0], act[1], function)


def not_batch_work(function: str | None, line: int) -> bool:
    """The code at ``line`` of the file being checked runs under a library's batching context, serves
    a live request (a route, a handler, a function taking a request, or their callees; a Streamlit
    page or a desktop window, as for a caller's loop), is the opt-in path beside one that sends the
    same work as a batch, or a fallback only an ``except`` runs."""
    act = _project()
    if act is None:
        return False
    from pytest_tokenbudget.lint.callnames import tree_of
    from pytest_tokenbudget.lint.livework import batch_alternative, fallback_only, serves_request, under_batching
    from pytest_tokenbudget.lint.loopjudge import UI_APPS, imports_any

    tree = tree_of(act[0], act[1])
    return (under_batching(act[0], act[1], function, line) or serves_request(act[0], act[1], function)
            or (tree is not None and imports_any(tree, UI_APPS))
            or batch_alternative(act[0], act[1], function) or fallback_only(act[0], act[1], function))


def resent_request(function: str | None, line: int, text: str) -> bool:
    """The request on ``line`` of the file being checked (``text``, read apart when no project is
    indexed: :func:`..engine.lint_source`) re-sends an earlier one of its function: in the handler of
    its failure, or when its reply falls short (:mod:`..resends`)."""
    from pytest_tokenbudget.lint.astwalk import facts_of
    from pytest_tokenbudget.lint.callnames import find_def, tree_of
    from pytest_tokenbudget.lint.loopbody import REQUEST_METHODS
    from pytest_tokenbudget.lint.resends import resent

    act = _project()
    tree = tree_of(act[0], act[1]) if act is not None else _parsed(text)
    fn = find_def(tree, function) if tree is not None and function else None
    if tree is None or fn is None:
        return False
    facts = facts_of(tree)
    return any(resent(fn, call, facts.parents) for call in facts.calls if call.lineno == line
               and isinstance(call.func, ast.Attribute) and call.func.attr in REQUEST_METHODS)


@functools.lru_cache(maxsize=2)
def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


def set_on_instances(class_name: str, attr: str) -> bool:
    """Some file of the project that names the class (of the file being checked) assigns
    ``<obj>.attr`` from outside its methods (:func:`..constructions.set_on_instances`)."""
    act = _project()
    if act is None:
        return False
    from pytest_tokenbudget.lint.constructions import set_on_instances as search

    return search(act[0], class_name, attr)


def reads_message(function: str | None, line: int) -> bool:
    """The request on ``line`` of the file being checked is read as a whole message, or is built from
    a local dict that never gets a ``stream`` key (see :mod:`..requestdict`): not a stream."""
    act = _project()
    if act is None:
        return False
    from pytest_tokenbudget.lint.callnames import find_def, tree_of
    from pytest_tokenbudget.lint.message_reads import reads_message as reads
    from pytest_tokenbudget.lint.requestdict import stream_left_out

    tree = tree_of(act[0], act[1])
    scope = find_def(tree, function) if tree is not None and function else tree
    return scope is not None and (reads(scope, line, tree) or stream_left_out(scope, line))


def callers_leave_stream_out(function: str | None, line: int) -> bool:
    """The request on ``line`` passes the function's ``**kwargs`` on (``def with_backoff(**kwargs):
    return client.messages.create(**kwargs)``), and every caller the project has passes keywords
    that are all spelled out and hold no ``stream=True``: the request does not stream."""
    act = _project()
    if act is None or not function:
        return False
    from pytest_tokenbudget.lint.arguments import parameter_values
    from pytest_tokenbudget.lint.callnames import find_def, tree_of

    project, path = act
    tree = tree_of(project, path)
    fn = find_def(tree, function) if tree is not None else None
    kwarg = fn.args.kwarg.arg if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn.args.kwarg else None
    if kwarg is None or not any(isinstance(n, ast.Call) and n.lineno <= line <= (n.end_lineno or n.lineno) and any(
            k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kwarg for k in n.keywords)
            for n in walk(fn)):
        return False
    found = parameter_values(project, path, function, frozenset({kwarg}))
    return bool(found) and all(type(v := a.values.get(kwarg)) is dict and v.get("stream", False) is False for a in found)


def cli_option(base: Any, attr: str) -> Any:
    """``args.model`` where the file's one ``args = parser.parse_args()`` binds ``args``: the option's
    default (:mod:`..cli_defaults`: unknown when required, set elsewhere or declared twice)."""
    act = _project()
    if act is None or type(base).__name__ != "Name":
        return UNKNOWN
    from pytest_tokenbudget.lint.astwalk import facts_of
    from pytest_tokenbudget.lint.callnames import tree_of
    from pytest_tokenbudget.lint.cli_defaults import option_default

    project, path = act
    mod = project._load(path)
    if mod is None or b"parse_args" not in mod.data:  # the byte search first: most files parse no options
        return UNKNOWN
    tree = tree_of(project, path)
    values = [n.value for n in facts_of(tree).assigns if any(
        isinstance(t, ast.Name) and t.id == base.value for t in n.targets)] if tree is not None else []
    if len(values) != 1:
        return UNKNOWN
    return option_default(tree, values[0], base.value, attr, project._evaluator(mod, {}).expr)


def origin(values: list[Any]) -> tuple[str, int] | None:
    """Where the first of ``values`` that came from another module or a prompt file is defined."""
    act = _project()
    if act is None:
        return None
    for v in values:
        for part in _parts(v):
            where = act[0].origin(part)
            if where is not None and where[0] != act[1]:
                return where
    return None


def _parts(value: Any, depth: int = 0) -> Iterator[Any]:
    """``value`` and the lists and dicts inside it, outermost first (a tool's ``input_schema``
    written in another module, inside the call's own list of tools)."""
    yield value
    if depth < 3 and isinstance(value, (list, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, (list, dict)):
                yield from _parts(item, depth + 1)


def related(values: list[Any], what: str) -> tuple[str, dict[str, Any]]:
    """A message suffix (" (prompt defined at prompts.py:12)") and the ``related`` property."""
    where = origin(values)
    if where is None:
        return "", {}
    import os

    shown = os.path.relpath(where[0])
    shown = where[0] if shown.startswith("..") else shown
    return (f" ({what} defined at {shown}:{where[1]})",
            {"related": [{"path": shown, "line": where[1], "message": f"{what} defined here"}]})
