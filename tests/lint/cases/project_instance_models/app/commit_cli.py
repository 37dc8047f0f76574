import argparse

from app.commit_messages import CommitMessageGenerator, ReleaseNotes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="claude-haiku-4-5")
    args = parser.parse_args()
    generator = CommitMessageGenerator()
    generator.model = args.model
    print(generator.generate(open("diff.txt").read()))
    print(ReleaseNotes().write(open("log.txt").read()))
