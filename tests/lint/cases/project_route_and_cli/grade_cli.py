import argparse
import pathlib

from survey.personas import grade_essays


def run(args):
    essays = [p.read_text() for p in pathlib.Path(args.folder).glob("*.txt")]
    print(grade_essays(["You grade essays."], essays))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
