"""Rewrites at a handful of target levels: per essay of a folder, and for one essay."""
import os

import anthropic

client = anthropic.Anthropic()


def rewrite(essay):
    # a handful of grades per call, and rewrite_folder calls it once per essay: a batch of
    # essays x grades
    out = []
    grades = ["B", "C"]  # (a literal loop head reads as a sweep; a name for one does not)
    for grade in grades:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1000,  # TB401
                                       messages=[{"role": "user", "content": f"Rewrite at grade {grade}:\n{essay}"}])
        out.append(reply.content[0].text)
    return out


def rewrite_folder(folder):
    return [rewrite(open(os.path.join(folder, name)).read()) for name in os.listdir(folder)]


def contrast(essay):
    # a handful of levels for the one essay the caller passes, once: a sweep, not a batch
    return [client.messages.create(model="claude-sonnet-4-6", max_tokens=1000,
                                   messages=[{"role": "user", "content": f"Rewrite at level {level}:\n{essay}"}])
            for level in ("A", "C")]


def show(path):
    print(contrast(open(path).read()))


def first_fluent(essay):
    # tries the grades in turn until a reply reads well: a search, each request waiting on the last
    # one's answer, so a caller's loop over essays is no batch either
    grades = ["A", "B"]
    for grade in grades:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1000,
                                       messages=[{"role": "user", "content": f"Rewrite at grade {grade}:\n{essay}"}])
        if "fluent" in reply.content[0].text:
            return reply.content[0].text
    return None


def fluent_folder(folder):
    return [first_fluent(open(os.path.join(folder, name)).read()) for name in os.listdir(folder)]
