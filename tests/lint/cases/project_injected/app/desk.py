"""Services that receive their client: this module never imports main.py (that would be a cycle)."""
from app.prompts import POLICY


class Desk:
    def __init__(self, llm):
        self.llm = llm

    def answer(self, question):
        return self.llm.get_response(POLICY, question)


class Archive:
    def __init__(self, store, backend=None):
        self.store = store
        self.backend = backend

    def digest(self, text):
        return self.backend.summarise(POLICY, text)
