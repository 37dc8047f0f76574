"""A tool loop: the tool definitions come from a registry (the same on every call), the system
prompt from app.prompt with the project state filled in."""
import anthropic

from app.context import build_project_context
from app.prompt import build_guide_first_prompt, build_system_prompt

MAX_TOOL_ITERATIONS = 10


class Agent:
    def __init__(self, registry, store):
        self.client = anthropic.Anthropic()
        self.tools = registry
        self.store = store

    def chat(self, session, project_id, current_page=None):
        system_prompt = build_system_prompt(build_project_context(self.store, project_id, current_page))
        for _ in range(MAX_TOOL_ITERATIONS):
            response = self.client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=4096,
                system=system_prompt,  # TB105
                tools=self.tools.to_api_format(),
                messages=session.messages(),
            )
            if response.stop_reason != "tool_use":
                return response
            session.add_tool_results(response)
        return None

    def chat_guide_first(self, session, project_id):
        # the static guide comes first and is cached; the state follows it
        system_prompt = build_guide_first_prompt(build_project_context(self.store, project_id))
        for _ in range(MAX_TOOL_ITERATIONS):
            response = self.client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=4096,
                system=[{"type": "text", "text": system_prompt, "cache_control": {"type": "ephemeral"}}],
                tools=self.tools.to_api_format(),
                messages=session.messages(),
            )
            if response.stop_reason != "tool_use":
                return response
            session.add_tool_results(response)
        return None
