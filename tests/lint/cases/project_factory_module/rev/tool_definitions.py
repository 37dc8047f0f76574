from .adapters.base import ToolDeclaration

TOOL_DECLARATIONS = [
    ToolDeclaration(name="lookup_aip", description="Look up an AIP", parameters={"type": "object", "properties": {}}),
]
