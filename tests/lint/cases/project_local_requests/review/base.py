import time


class Reviewer:
    max_retries = 3

    def _retry(self, func, *args, **kwargs):
        for attempt in range(self.max_retries):
            try:
                return func(*args, **kwargs)
            except Exception:
                time.sleep(2 ** attempt)
        raise RuntimeError("no answer")

    def scan(self, section):
        raise NotImplementedError

    def review_document(self, sections):
        findings = []
        for section in sections:  # one independent scan per section: a batch
            findings.append(self.scan(section))
        return findings
