from .protocol import Completer

SYSTEM = "Score how well the resume fits the job from 0 to 10."


class JobScorer:
    def __init__(self, llm: Completer) -> None:
        self.llm = llm

    def score(self, jobs: list[str], resume: str) -> list[str]:
        scores = []
        for job in jobs:  # one independent request per job, kept for a report: a batch
            scores.append(self.llm.complete(system=SYSTEM, user=f"Job: {job}\nResume: {resume}"))
        return scores
