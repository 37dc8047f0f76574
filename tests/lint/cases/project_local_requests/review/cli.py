import json
import sys

from .claude import ClaudeReviewer


def main():
    reviewer = ClaudeReviewer()
    text = open(sys.argv[1]).read()
    print(reviewer.review_document(text.split("\n\n")))
    print(reviewer.summarize(text))  # one request per run: nothing to batch
    print(reviewer.describe(text))  # one request per run
    for row in json.load(open(sys.argv[2])):  # one independent label and translation per row: a batch
        print(reviewer.label(row["text"]), reviewer.translate(row["text"]))


if __name__ == "__main__":
    main()
