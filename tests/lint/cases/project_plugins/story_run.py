"""Write a story for every prompt of a file with the model named on the command line."""
import sys

from story import claude, local

MODELS = {"claude": claude, "local": local}


def generate_all(model, prompts):
    return [model.generate(p) for p in prompts]


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as f:
        print(generate_all(MODELS[sys.argv[1]], f.read().splitlines()))
