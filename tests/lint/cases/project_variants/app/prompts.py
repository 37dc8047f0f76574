"""System prompts: a dict of personas, helpers that pick one, and small templates."""

from app.context import HANDBOOK, SHORT_NOTE

PERSONAS = {
    "default": HANDBOOK + "\nAnswer concisely.",
    "code": HANDBOOK + "\nAnswer as a senior engineer.",
    "sales": HANDBOOK + "\nAnswer as a sales lead.",
}

STYLES = {
    "short": SHORT_NOTE,
    "long": HANDBOOK,
}

LONG_EN = "Policy (English): refunds within thirty days, exchanges within sixty, receipts required. " * 90
LONG_DE = "Richtlinie (Deutsch): Rueckgabe binnen dreissig Tagen, Umtausch binnen sechzig Tagen. " * 90

SMALL_A = "Classify the ticket as billing, bug or other."
SMALL_B = "Classify the review as positive, negative or mixed."


def system_for(language):
    if language == "de":
        return LONG_DE
    return LONG_EN


def greeting_for(language):
    if language == "de":
        return LONG_DE
    return SHORT_NOTE


def small_for(kind):
    if kind == "ticket":
        return SMALL_A
    return SMALL_B


def mixed_for(kind):
    if kind == "ticket":
        return SMALL_A
    return HANDBOOK


def roles_for(kind):  # the candidates share a long static end: a choice, not per-call data
    if kind == "refunds":
        return "Role: refunds desk.\n" + LONG_EN
    return "Role: exchanges desk.\n" + LONG_EN


def persona_prompt(name):  # a template: its static start is short, the handbook follows the name
    return f"You are {name}, the support assistant.\n" + HANDBOOK
