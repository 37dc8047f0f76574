"""Each request first asks the person at the terminal to confirm its cost: a loop over such calls
waits on someone at every item, so it is not batch work. The same enricher without the question is."""
from anthropic import Anthropic

client = Anthropic()


class ConfirmedEnricher:
    def _require_confirmation(self, cost):
        if input(f"Proceed at ${cost:.4f}? [y/N] ").strip().lower() not in ("y", "yes"):
            raise RuntimeError("declined")

    def enrich(self, transcript, confirm=True):
        if confirm:
            self._require_confirmation(len(transcript) / 4e6)
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=2000,
                                      messages=[{"role": "user", "content": f"Notes for:\n{transcript}"}])


class Enricher:
    def enrich(self, transcript):
        return client.messages.create(model="claude-sonnet-4-6", max_tokens=2000,  # TB401
                                      messages=[{"role": "user", "content": f"Notes for:\n{transcript}"}])


def enrich_all(transcripts):
    asked = ConfirmedEnricher()
    plain = Enricher()
    for transcript in transcripts:
        print(asked.enrich(transcript), plain.enrich(transcript))
