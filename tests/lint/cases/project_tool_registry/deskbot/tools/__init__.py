"""Tool registry: each tool module registers its tools with the @tool decorator."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable


@dataclass
class Tool:
    name: str
    description: str
    input_schema: dict
    fn: Callable[..., Awaitable[Any]]
    dangerous: bool = False


REGISTRY: dict[str, Tool] = {}


def tool(name: str, description: str, input_schema: dict, *, dangerous: bool = False):
    def decorator(fn):
        REGISTRY[name] = Tool(name=name, description=description, input_schema=input_schema, fn=fn,
                              dangerous=dangerous)
        return fn

    return decorator


def claude_schemas() -> list[dict]:
    """The registered tools in the Messages API format."""
    return [{"name": t.name, "description": t.description, "input_schema": t.input_schema}
            for t in REGISTRY.values()]


from . import files  # noqa: E402,F401  (each import registers its tools)
from . import web  # noqa: E402,F401
