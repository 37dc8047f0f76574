"""Reviews are asked one at a time, as a pull request arrives (not a batch)."""
import sys

from review.config import EnvConfig, ReviewConfig
from review.reviewer import EnvReviewer, Reviewer


def main():
    diff = sys.stdin.read()
    print(Reviewer(ReviewConfig()).review(diff))
    print(EnvReviewer(EnvConfig()).review(diff))
