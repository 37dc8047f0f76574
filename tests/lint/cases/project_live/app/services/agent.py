"""An agent object the web layer creates per request; its loop runs inside that request."""
from app.services.facts import clarify


class PitchAgent:
    def __init__(self, sections):
        self.scores = {}
        self.sections = sections

    def questions(self):
        out = {}
        for name, score in self.scores.items():
            if score < 0.5:
                out[name] = clarify(name, self.sections[name])
        return out
