"""What a name holds once code mutates it (``x.append``, ``x += ...``, ``x[k] = v``, ``x.update``).

A mutated name stops being fully known: a list that is appended to keeps its known items and gains
an unknown tail, a dict that only loses keys by ``pop("key")`` keeps the others, a client or class
reference is unaffected, a text extended with ``+=`` already ends in a hole; anything else becomes
unknown. Two exceptions are read exactly, as the project index
unrolls them: a module-level list that module-level loops fill from known data (few-shot turns built
from a data file: :func:`..filled_lists.module_list`), and a function's local list filled by appends
before the request (``messages = []``, then a loop over the examples: :func:`..filled_lists.filled_lists`).
"""

from __future__ import annotations

from typing import Any

from pytest_tokenbudget.lint.analysis import crossref
from pytest_tokenbudget.lint.analysis.scopes import ClassRef, ClientRef, ImportRef
from pytest_tokenbudget.lint.analysis.values import UNKNOWN, Text

__all__ = ["after_mutation"]


def after_mutation(value: Any, ops: set[str] | None, module_name: str | bool,
                   local: tuple[str, str] | None = None) -> Any:
    """``value`` as the mutations ``ops`` leave it (``module_name``: the name, when it is bound at
    module level, else False; ``local``: (function, name) for a function's local)."""
    if not ops:
        return value
    if isinstance(value, list) and ops <= {"append", "extend"}:
        filled = crossref.module_value(module_name) if module_name else \
            crossref.filled_local(*local) if local is not None else UNKNOWN
        return filled if isinstance(filled, list) else [*value, UNKNOWN]
    if isinstance(value, dict) and all(op.startswith("pop:") for op in ops):  # kwargs.pop("model", None)
        popped = {op[4:] for op in ops}
        return type(value)((k, v) for k, v in value.items() if k not in popped)
    if isinstance(value, (ClientRef, ImportRef, ClassRef)) or (isinstance(value, (str, Text)) and ops == {"extend"}):
        return value  # a text's ``+=`` (the "extend"): already appended, or a hole (.rebinding.appended)
    return UNKNOWN
