import json

from app.dispatch import triage


def triage_file(path):
    return [triage(f) for f in json.load(open(path))]
