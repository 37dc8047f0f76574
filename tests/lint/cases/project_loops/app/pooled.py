"""A grader submitted to a thread pool together with the model function it calls
(``executor.submit(grade, ask_claude, prompt)``): each task makes one request (TB401)."""
import json
from concurrent.futures import ThreadPoolExecutor

import anthropic

client = anthropic.Anthropic()


def ask_claude(prompt):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": prompt}]).content[0].text


def grade(model_query_function, prompt):
    return model_query_function(f"Grade this answer: {prompt}")


def grade_file(path):
    with ThreadPoolExecutor(4) as executor:
        futures = [executor.submit(grade, ask_claude, ex["answer"]) for ex in json.load(open(path))]
    return [f.result() for f in futures]
