import pandas as pd

from app.factories import make_categorizer


def run(path):
    df = pd.read_csv(path)
    df["category"] = df["text"].progress_apply(make_categorizer("claude-haiku-4-5", "Name the topic."))
    df.to_csv(path)
