"""Helpers that choose the model id by returning one of several values (used in app/selected_calls.py)."""
import os


def select_model_id():
    preferred = os.getenv("CLAUDE_MODEL", "").strip()
    if preferred:  # unset (the env default): the fallback below is the model
        return preferred
    return "claude-3-5-haiku-20241022"


def select_current_id():
    preferred = os.getenv("CLAUDE_MODEL", "").strip()
    if preferred:
        return preferred
    return "claude-haiku-5-5"


def pick(kind):
    if kind == "long":
        return "claude-3-opus-20240229"
    return "claude-3-haiku-20240307"


def pick_mixed(kind):
    if kind == "long":
        return "claude-opus-5-5"
    return "claude-3-haiku-20240307"


def chosen_or_default(model=None):
    if model:  # a parameter: the callers' value, not an environment default
        return model
    return "claude-3-haiku-20240307"
