AGENT_MODELS = {
    "Sanctions": "claude-sonnet-4-6",
    "Synthesis": "claude-sonnet-4-6",
    "default": "claude-sonnet-4-6",
}


def model_for(agent_name: str) -> str:
    return AGENT_MODELS.get(agent_name, AGENT_MODELS["default"])
