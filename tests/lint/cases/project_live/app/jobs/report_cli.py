"""A command-line run of the reports the desktop window also makes: its ``__main__`` block runs over
the folder the user names (batch work), not a written-out sample, so the loop is TB401's."""
import argparse

import anthropic

client = anthropic.Anthropic()


def report_all(paths):
    return [client.messages.create(model="claude-sonnet-5-5", max_tokens=500,  # TB401
                                   messages=[{"role": "user", "content": f"Report on: {open(p).read()}"}])
            for p in paths]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    print(report_all(parser.parse_args().paths))
