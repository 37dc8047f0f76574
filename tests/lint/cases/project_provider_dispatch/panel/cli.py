import asyncio
import json
import sys

from panel.orchestrator import Orchestrator


def run_panel(path, topic):
    team = json.load(open(path))["team"]
    return asyncio.run(Orchestrator().query_all(team, topic))


def summarize_corpus(path):
    documents = json.load(open(path))
    return asyncio.run(Orchestrator().summarize_all(documents))


if __name__ == "__main__":
    print(run_panel(sys.argv[1], sys.argv[2]))
    print(summarize_corpus(sys.argv[3]))
