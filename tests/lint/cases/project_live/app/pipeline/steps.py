"""The pipeline the dashboard runs on the user's uploads; its ``__main__`` block is a try-out on a
written-out sample, not an offline run over data."""
from app.services.extraction import extract_all


def run_pipeline(files):
    return extract_all([open(f).read() for f in files])


if __name__ == "__main__":
    print(run_pipeline(["samples/one.txt"]))
