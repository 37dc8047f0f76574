from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass
class ToolDeclaration:
    name: str
    description: str
    parameters: dict


class LLMAdapter(ABC):
    @abstractmethod
    def generate(self, messages, tools, system_prompt):
        ...
