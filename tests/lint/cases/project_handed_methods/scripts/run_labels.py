"""The labelling run: the client's methods and a function, handed to the package's runners."""

import pandas as pd

from labeling import AiClient, check_one, label_rows, map_docs, summarize

ai = AiClient()
frame = pd.read_csv("rows.csv")
print(label_rows(frame, classifier=ai.claude_call))
print(check_one("smoke test", ai.quick_call))
print(map_docs(open("docs.txt").read().split("\n\n"), summarize))
