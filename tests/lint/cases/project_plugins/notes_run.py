"""Titles for every note, through whatever object is passed in."""
import sys

from notes import claude


def titles(namer, notes):
    return [namer.title(n) for n in notes]


if __name__ == "__main__":
    print(claude.title(sys.argv[1]))
    print(titles(sys.argv, sys.argv[2:]))
