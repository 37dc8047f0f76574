from dataclasses import dataclass

from app.llm import Client

_SYSTEM = "You write pitch decks for a solar installer.\nTheme: {theme}.\nReply with JSON slides.\n"
client = Client()


@dataclass
class Brief:
    company: str
    pitch_theme: str = "GRID INDEPENDENCE"


def pitch(brief: Brief):
    return client.complete(system=_SYSTEM.format(theme=brief.pitch_theme), user=brief.company)
