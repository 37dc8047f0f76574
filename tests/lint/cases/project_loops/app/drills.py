"""Counted loops whose passes send new items: a question drawn at random on each pass, here or by
a function of another module, is one independent request per pass, not one request sent n times.
A draw that never reaches the request (a pause's jitter, a logged number) leaves the request the
same on every pass."""
import random
import time

import anthropic

from app import problems

client = anthropic.Anthropic()
MODEL = "claude-haiku-4-5"
TOPICS = ["tides", "volcanoes", "comets"]


def quiz(rounds=30):
    score = 0
    for _ in range(rounds):
        messages, answer = problems.subtraction(3, 4)  # thirty random sums: thirty items
        reply = client.messages.create(model=MODEL, max_tokens=20, messages=messages)  # TB401
        score += reply.content[0].text.strip() == answer
    return score


def essays(count=10):
    out = []
    for _ in range(count):
        topic = random.choice(TOPICS)
        out.append(client.messages.create(model=MODEL, max_tokens=800,  # TB401
                                          messages=[{"role": "user", "content": f"Write about {topic}."}]))
    return out


def paced(prompt, runs=5):
    out = []
    for _ in range(runs):  # one identical request; the jitter only paces it
        time.sleep(random.uniform(0.1, 0.5))
        out.append(client.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": prompt}]))
    return out


def stories(runs=5):
    out = []
    for _ in range(runs):  # the same story prompt five times (sampling)
        out.append(client.messages.create(model=MODEL, max_tokens=400, messages=problems.story_prompt()))
    return out


def essay_on_some_topic():
    topic = random.choice(TOPICS)
    return client.messages.create(model=MODEL, max_tokens=800,  # TB401
                                  messages=[{"role": "user", "content": f"Write about {topic}."}])


def essay_set(count=10):
    out = []
    for _ in range(count):  # the function picks a new topic on each call
        out.append(essay_on_some_topic())
    return out


def paced_ping(prompt):
    delay = random.uniform(0.1, 0.5)
    time.sleep(delay)  # the draw only paces the request
    return client.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": prompt}])


def ping_five(prompt):
    for _ in range(5):
        paced_ping(prompt)
