"""A factory picks the backend by name: what it returns is the model wrapper, which a runner hands on
through two functions to the request (``grade_all(backend, rows)`` -> ``grade_one(model, row)``)."""
from evals.model import Model


def get_backend(name):
    if name == "claude":
        return Model()
    raise ValueError(f"unknown backend {name!r}")
