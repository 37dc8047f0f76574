"""The labelling run: the client's methods, a function and lambdas, handed to the package's runners."""

import pandas as pd

from labeling import AiClient, ask, ask_once, check_one, label_rows, map_docs, run_all, summarize

ai = AiClient()
frame = pd.read_csv("rows.csv")
print(label_rows(frame, classifier=ai.claude_call))
print(check_one("smoke test", ai.quick_call))
print(map_docs(open("docs.txt").read().split("\n\n"), summarize))
print(run_all(open("docs.txt").read().split("\n\n"), api_call=lambda text: ask("claude-haiku-4-5", text)))
print(check_one("smoke test", lambda text: ask_once(text)))

from labeling.judge import judge_all  # noqa: E402

print(judge_all(open("answers.txt").read().splitlines()))
