def get_tools(web_search=True):
    tools = []
    if web_search:
        tools.append({"type": "web_search_20250305", "name": "web_search"})
    tools.append({"name": "orders", "description": "Today's orders.", "input_schema": {"type": "object"}})
    return tools
