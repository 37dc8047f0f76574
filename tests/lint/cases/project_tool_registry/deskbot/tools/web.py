"""Web tools."""
from deskbot.tools import tool


@tool(
    name="web_search",
    description="Search the web and return the ten best results with their titles, addresses and a short "
                "snippet each. Use it for news, prices, opening hours and anything that changes over time.",
    input_schema={"type": "object", "properties": {
        "query": {"type": "string", "description": "What to search for, in the user's own words."},
        "region": {"type": "string", "description": "A two-letter country code to localise results, e.g. FR."}},
        "required": ["query"]},
)
async def web_search(query: str, region: str = "") -> list[dict]:
    return []


@tool(
    name="open_page",
    description="Download a web page and return its readable text without navigation, advertisements or "
                "scripts, cut at twenty thousand characters. Use it after web_search to read a result.",
    input_schema={"type": "object", "properties": {"url": {"type": "string", "description": "The page address."}},
                  "required": ["url"]},
)
async def open_page(url: str) -> str:
    return url


@tool(
    name="download_file",
    description="Save a file from the web into the user's Downloads folder and return where it was saved. "
                "Ask the user first when the file is larger than fifty megabytes or is an executable.",
    input_schema={"type": "object", "properties": {"url": {"type": "string", "description": "The file's address."},
                  "filename": {"type": "string", "description": "The name to save it under."}},
                  "required": ["url"]},
    dangerous=True,
)
async def download_file(url: str, filename: str = "") -> str:
    return url
