"""Two scripts pick the way by an option. `explain` batches by default (`--method`, default
"batches"); its per-term loop runs only when the user asks for it: silent (after
brunoasm/claude_deepthink). `gloss` defaults to the per-term loop (`--way`, default "each") and
batches only when asked: a batch candidate (TB401)."""
import argparse

from terms.client import client, submit_batch


def explain_term(term):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Explain the term: {term}"}])


def gloss_term(term):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Gloss the term: {term}"}])


def explain():
    parser = argparse.ArgumentParser()
    parser.add_argument("terms", nargs="+")
    parser.add_argument("--method", choices=["batches", "each"], default="batches")
    args = parser.parse_args()
    if args.method == "batches":
        print(submit_batch(args.terms).id)
    else:
        for term in args.terms:
            print(explain_term(term).content[0].text)


def gloss():
    cli = argparse.ArgumentParser()
    cli.add_argument("terms", nargs="+")
    cli.add_argument("--way", choices=["batches", "each"], default="each")
    args = cli.parse_args()
    if args.way == "batches":
        print(submit_batch(args.terms).id)
    else:
        for term in args.terms:
            print(gloss_term(term).content[0].text)
