"""System prompts assembled from parts; one carries the time of day, one only the date."""
from datetime import datetime

BASE = "You are the project assistant. Answer from the project's documents and cite them."


def build_system_prompt(project, services=None):
    parts: list[str] = []
    if project.prompt_file:
        parts.append(project.prompt_file.read_text())
    else:
        parts.append(BASE)
    parts.append("\n## Context\n")
    parts.append(f"- Now: {datetime.now().strftime('%d.%m.%Y %H:%M')}")  # the minute: a new prefix every minute
    parts.append(f"- Project: {project.name}")
    for s in services or []:
        parts.append(f"- Service: {s}")
    return "\n".join(parts)


def build_daily_prompt(project):
    parts = [BASE]
    parts.append(f"- Today: {datetime.now().strftime('%d.%m.%Y')}")  # to the day: stable for a day
    parts.append(f"- Project: {project.name}")
    return "\n".join(parts)


def build_plain_prompt(project):
    parts = [BASE]
    parts.append(f"- Project: {project.name}")
    return "\n".join(parts)
