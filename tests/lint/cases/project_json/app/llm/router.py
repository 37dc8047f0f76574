"""A router: each kind of task goes to its own provider."""
from app.llm.claude import call_claude, call_claude_json


def call_other(prompt, max_tokens=None):
    return prompt


def route(task_type, prompt, max_tokens=None):
    if task_type in ["pitch_block", "score"]:
        return call_other(prompt, max_tokens=max_tokens)
    elif task_type in ["clarify_question", "generate_email"]:
        return call_claude(prompt, max_tokens=max_tokens)
    raise ValueError(task_type)


def route_json(task_type, prompt):
    if task_type == "score":
        return call_claude_json(prompt)
    return call_other(prompt)
