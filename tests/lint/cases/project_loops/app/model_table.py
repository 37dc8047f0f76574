"""Functions kept in a list of (label, function) pairs. The loop over the list is a sweep over models;
a runner it hands each function to may loop over the rows. The list may be written in the loop itself."""
from concurrent.futures import ThreadPoolExecutor

import anthropic

client = anthropic.Anthropic()


def ask_local(prompt):
    return {"text": prompt.upper()}


def ask_claude(prompt):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                   system="Code the speaker turn with the codebook's labels.",
                                   messages=[{"role": "user", "content": prompt}])
    return {"text": reply.content[0].text}


def run_model(label, fn, rows):
    return [fn(f"Code this speaker turn: {row}") for row in rows]


def run_all(rows):
    models = [("claude", ask_claude), ("local", ask_local)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {pool.submit(run_model, label, fn, rows): label for label, fn in models}
    return {futures[f]: f.result() for f in futures}


def ask_claude_once(prompt):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,
                                  messages=[{"role": "user", "content": prompt}])


def compare(prompt):
    judges = [("claude", ask_claude_once), ("local", ask_local)]
    return {label: fn(prompt) for label, fn in judges}  # one prompt to each model: a sweep, not items


def ask_claude_per_problem(problem):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                  messages=[{"role": "user", "content": f"Solve step by step: {problem}"}])


def ask_claude_per_setting(prompt):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,
                                  messages=[{"role": "user", "content": prompt}])


def run_experiment(problems):
    # the table written in the loop itself, inside a per-problem loop: each problem is an item
    answers = []
    for problem in problems:
        for label, fn in [("local", ask_local), ("claude", ask_claude_per_problem)]:
            answers.append((label, fn(problem)))
    return answers


def try_settings(prompt):
    # the same table loop with no per-item loop around it: one prompt to each model, a sweep
    return [fn(prompt) for label, fn in [("local", ask_local), ("claude", ask_claude_per_setting)]]


def ask_claude_per_tweet(tweet):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                  messages=[{"role": "user", "content": f"Is this tweet an ad? {tweet}"}])


def ask_claude_keyed(prompt):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,
                                  messages=[{"role": "user", "content": prompt}])


def label_tweets(tweets):
    # a dict table: each function handed, with the tweets, to the runner that loops over them
    models = {"claude": ask_claude_per_tweet, "local": ask_local}
    return {name: run_model(name, fn, tweets) for name, fn in models.items()}


def poll_models(prompt):
    # the same dict table with no per-item loop: one prompt to each model, a sweep
    models = {"claude": ask_claude_keyed, "local": ask_local}
    return [fn(prompt) for fn in models.values()]
