import time
from abc import ABC, abstractmethod


class Reviewer(ABC):
    max_retries = 3

    def _retry(self, func, *args, **kwargs):
        for attempt in range(self.max_retries):
            try:
                return func(*args, **kwargs)
            except Exception:
                time.sleep(2 ** attempt)
        raise RuntimeError("no answer")

    @abstractmethod
    def scan(self, section):
        """One section's review (each provider's subclass sends its own request)."""

    def review_document(self, sections):
        findings = []
        for section in sections:  # one independent scan per section: a batch
            findings.append(self.scan(section))
        return findings
