"""Stories from a local model, behind the same function."""


def generate(prompt):
    return prompt.upper()
