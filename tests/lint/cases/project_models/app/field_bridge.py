from .factory_settings import RuntimeSettings, get_runtime_settings
from .field_service import ClaudeService, Drafter


def answer(message: str, settings: RuntimeSettings) -> str:  # a typed parameter: its class's constructions
    return ClaudeService(api_key=settings.api_key, model=settings.claude_model).send(message)


def check(message: str) -> str:  # a local from a factory annotated -> RuntimeSettings
    settings = get_runtime_settings()
    service = ClaudeService(api_key=settings.api_key, model=settings.claude_model)
    return service.send(message)


def draft(topic: str, settings: RuntimeSettings) -> str:
    return Drafter(model=settings.draft_model).draft(topic)
