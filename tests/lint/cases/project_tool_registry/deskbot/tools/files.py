"""File tools."""
from . import tool

PATH = {"type": "string", "description": "A path relative to the user's home folder, such as Documents/notes.txt."}


@tool(
    name="read_file",
    description="Read a text file from the user's home folder and return its contents with line numbers. "
                "Use it before answering any question about a file's contents; never guess what a file says.",
    input_schema={"type": "object", "properties": {"path": PATH,
                  "max_lines": {"type": "integer", "description": "Stop after this many lines (default 400)."}},
                  "required": ["path"]},
)
async def read_file(path: str, max_lines: int = 400) -> str:
    return path


@tool(
    name="write_file",
    description="Create or overwrite a text file in the user's home folder. Always read the file first and "
                "ask the user to confirm before overwriting anything that already exists.",
    input_schema={"type": "object", "properties": {"path": PATH,
                  "content": {"type": "string", "description": "The complete new contents of the file."}},
                  "required": ["path", "content"]},
    dangerous=True,
)
async def write_file(path: str, content: str) -> str:
    return path


@tool(
    name="list_folder",
    description="List the files and folders inside a folder of the user's home folder, newest first, with "
                "their sizes and modification times. Hidden entries are skipped unless asked for.",
    input_schema={"type": "object", "properties": {"path": PATH,
                  "include_hidden": {"type": "boolean", "description": "Also list entries starting with a dot."}},
                  "required": ["path"]},
)
async def list_folder(path: str, include_hidden: bool = False) -> list[str]:
    return [path]


@tool(
    name="search_files",
    description="Search the user's documents for a phrase and return the matching lines with their file "
                "paths and line numbers, at most fifty matches, best matches first.",
    input_schema={"type": "object", "properties": {"query": {"type": "string", "description": "The phrase to find."},
                  "folder": PATH}, "required": ["query"]},
)
async def search_files(query: str, folder: str = "") -> list[str]:
    return [query]
