from typing import Literal

from app.llm import Client

Theme = Literal["GRID INDEPENDENCE", "NET ZERO", "ROI FIRST"]
_GEN = "You write B2B emails for a solar installer.\nTheme: {theme}. One clear call to action.\n"
_REWRITE = "Rewrite the losing email variant with a different angle.\n"
client = Client()


def generate(company, theme: Theme):
    return client.complete(system=_GEN.format(theme=theme), user=company)


def rewrite(text):
    return client.complete(system=_REWRITE, user=text, cache_system=False)


def annotate(company, notes):
    return client.complete_notes(system=f"You write B2B emails. Account notes: {notes}", user=company)
