"""A title without a model."""


def title(note):
    return note.split("\n", 1)[0]
