import json
import sys

from survey.personas import price_survey


def main(path, product):
    with open(path) as fh:
        cards = json.load(fh)
    print(price_survey(cards, product))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
