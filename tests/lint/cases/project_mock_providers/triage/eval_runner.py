"""The offline eval: every case, on the mock provider (rajan-sap's runner)."""
from triage.classifier import classify, explain
from triage.llm.mock import MockProvider


def _run_one(case: str) -> tuple[str, str]:
    return classify(case, MockProvider()), explain(case, MockProvider())


def run(cases: list[str]) -> list[tuple[str, str]]:
    return [_run_one(c) for c in cases]
