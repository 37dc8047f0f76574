"""The pipeline the dashboard runs on the user's uploads; its ``__main__`` block is a try-out on one
sample file, not an offline run over data."""
from app.services.extraction import extract_all


def run_pipeline(files):
    docs = [f.read().decode() for f in files]
    return extract_all(docs)


if __name__ == "__main__":
    print(run_pipeline([open("samples/one.txt", "rb")]))
