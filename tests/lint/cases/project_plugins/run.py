"""Solve and grade every problem of an exam with the model named below."""
import importlib
import json
import sys

MODEL_NAME = "claude_opus"


def dynamic_import(module_path: str, func_name: str):
    module = importlib.import_module(module_path)
    return getattr(module, func_name)


def grade(model_func, problem):
    return model_func(f"Solve: {problem['question']}") == problem["answer"]


def main():
    model_func = dynamic_import(f"models.{MODEL_NAME}", "call_model")
    with open(sys.argv[1], encoding="utf-8") as f:
        problems = json.load(f)
    print(sum(grade(model_func, p) for p in problems))


if __name__ == "__main__":
    main()
