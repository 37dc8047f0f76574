from .. import common
from ..samplers.base import SamplerBase

TEMPLATE = "Answer the multiple-choice question below and explain your choice.\n\n{question}"


class MMLUEval:
    def __init__(self, examples: list[dict]) -> None:
        self.examples = examples

    def __call__(self, sampler: SamplerBase) -> float:
        def grade(row: dict) -> bool:  # handed to a helper in another module that maps it over the examples
            answer = sampler([{"role": "user", "content": TEMPLATE.format(**row)}])
            return row["answer"] in answer

        results = common.map_with_progress(grade, self.examples)
        return sum(results) / len(results)
