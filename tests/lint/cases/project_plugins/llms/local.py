"""A local model behind the same functions as llms/claude.py."""


def get_client():
    return None


def correct_text(text, client):
    return text
