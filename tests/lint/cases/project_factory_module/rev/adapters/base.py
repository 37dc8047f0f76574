from dataclasses import dataclass


@dataclass
class ToolDeclaration:
    name: str
    description: str
    parameters: dict


class LLMAdapter:
    def generate(self, messages, tools, system_prompt):
        raise NotImplementedError
