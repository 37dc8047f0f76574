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


_STYLE = "You restyle pitch decks for a solar installer.\nStyle: {style}.\n"


def restyle(company, style: str = "plain"):
    return client.complete_styled(system=_STYLE.format(style=style), user=company)


def restyle_with(company, manual_path):
    return restyle(company, style=open(manual_path).read())


def brief_with(company, manual_path):
    return client.brief(company, tone=open(manual_path).read())
