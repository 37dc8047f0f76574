"""A request behind a circuit breaker that a factory hands out: ``breaker.call(f, ...)`` runs ``f``
once, in place, so a loop over transcripts that calls the analysis sends one request per item. A
function handed to an object that only keeps it (an audit log) is not run there."""
import anthropic

from app.breakers import get_breaker

client = anthropic.Anthropic()


class Analyst:
    def __init__(self, audit):
        self.breaker = get_breaker("claude")
        self.audit = audit

    def _request(self, prompt):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=600,  # TB401
                                      messages=[{"role": "user", "content": prompt}])

    def analyze(self, transcript):
        reply = self.breaker.call(self._request, f"Summarize the earnings call:\n{transcript}")
        return reply.content[0].text

    def _probe(self):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=600,
                                      messages=[{"role": "user", "content": "Describe the service status."}])

    def register(self, transcript):
        self.audit.record(self._probe, transcript)


def analyze_all(transcripts, audit):
    analyst = Analyst(audit)
    for transcript in transcripts:
        analyst.register(transcript)
    return [analyst.analyze(t) for t in transcripts]
