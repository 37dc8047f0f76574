"""A test helper calling a wrapper with a current model: test callers do not count for the wrapper."""
from app.client import legacy


def check_legacy():
    assert legacy("hi", "claude-sonnet-4-6") is not None
