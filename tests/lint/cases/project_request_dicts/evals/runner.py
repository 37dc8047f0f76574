"""An eval: each test case is answered, then that answer is graded. The grade depends on the
answer of the same case only, so the answers go in one batch and the grades in a second one."""
from statistics import mean

from evals.api import chat, chat_extra, chat_maybe_streamed, text_of


def answer(case):
    return text_of(chat([{"role": "user", "content": case["task"]}], stop_sequences=["```"]))


def grade(case, output):
    reply = chat([{"role": "user", "content": f"Grade this answer to {case['task']}: {output}"}])
    return float(text_of(reply))


def run_case(case):
    output = answer(case)
    return {"output": output, "score": grade(case, output)}


def run_eval(cases):
    results = [run_case(c) for c in cases]
    return mean(r["score"] for r in results)


def run_eval_extra(cases, extra):
    return [text_of(chat_extra([{"role": "user", "content": c}], extra)) for c in cases]


def run_eval_streamed(cases):
    return [chat_maybe_streamed([{"role": "user", "content": c}], stream=True) for c in cases]
