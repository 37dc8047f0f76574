"""A model fallback behind a command-line option declared without a default: argparse gives None,
so `model or "claude-..."` sends the fallback unless the user types --model (a required option
always replaces it)."""
import argparse

import anthropic

client = anthropic.Anthropic()


def make_asker(model=None):
    model_name = model or "claude-3-5-sonnet-20240620"  # the fallback when --model is not given

    def ask(q):
        return client.messages.create(model=model_name, max_tokens=400,  # TB302
                                      messages=[{"role": "user", "content": q}])

    return ask


def make_tagger(model=None):
    model_name = model or "claude-3-5-haiku-20241022"

    def tag(q):
        return client.messages.create(model=model_name, max_tokens=400,  # --tagger is required
                                      messages=[{"role": "user", "content": q}])

    return tag


def parse_options():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="the asker's model (its own fallback when not given)")
    parser.add_argument("--tagger", required=True)
    return parser.parse_args()


def run():
    opts = parse_options()
    make_asker(opts.model)("hi")
    make_tagger(opts.tagger)("hi")
