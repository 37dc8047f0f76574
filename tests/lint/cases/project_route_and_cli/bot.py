import sys
import time

import requests

from survey.personas import screen_posts


def fetch_new():
    return requests.get("https://chat.example/new").json()


def run(cards):
    while True:
        screen_posts(cards, fetch_new())
        time.sleep(5)


if __name__ == "__main__":
    run(sys.argv[1:])
