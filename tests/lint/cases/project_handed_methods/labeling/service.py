"""Runners that take the model call as an argument, so that any provider can be plugged in."""


def label_rows(df, classifier) -> list[str]:
    labels = []
    for _, row in df.iterrows():
        labels.append(classifier([{"role": "user", "content": row["text"]}]))
    return labels


def map_docs(docs: list[str], fn) -> list[str]:
    return [fn(d) for d in docs]


def check_one(text: str, fn) -> str:
    return fn(text)


def run_all(docs: list[str], api_call) -> list[str]:
    return [_handle(d, api_call) for d in docs]


def _handle(doc: str, fn) -> str:
    return fn(doc.strip())
