"""A name assigned several times in one function: the request reads the assignment that reaches it.

`prompt` is the JSON extraction prompt at the request and an input() prompt later (after
jittania/job-search-agents); `model_used` is set per provider branch (after mAiFriend/CORTEX). Where
another assignment may reach the request (a branch between, a later pass of a loop), every value
counts, and a model rule needs them all retired: those two are not flagged."""
import json

import anthropic

client = anthropic.Anthropic()


def extract(job_text, options):
    prompt = f"From the job posting below, extract metadata. Return ONLY valid JSON with keys a and b.\n{job_text}"
    msg = client.messages.create(model="claude-haiku-4-5", max_tokens=512,  # TB501
                                 messages=[{"role": "user", "content": prompt}])
    data = json.loads(msg.content[0].text)
    while True:
        prompt = f"Select company (1-{len(options)}): "
        choice = input(prompt)
        if choice:
            return data, choice


def summarize_then_label(doc):
    prompt = f"Summarize: {doc}"
    summary = client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                     messages=[{"role": "user", "content": prompt}])
    prompt = f"Label this summary. Respond with JSON only.\n{summary.content[0].text}"
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=100,  # TB501
                                   messages=[{"role": "user", "content": prompt}])
    return json.loads(reply.content[0].text)


def ask(name, text):
    if name == "gpt":
        model_used = "gpt-4o"
        return model_used
    elif name == "claude":
        model_used = "claude-3-opus-20240229"
        return client.messages.create(model=model_used, max_tokens=100,  # TB302
                                      messages=[{"role": "user", "content": text}])


def maybe_upgraded(text, upgrade):
    model = "claude-3-opus-20240229"
    if upgrade:
        model = "claude-sonnet-4-6"  # either assignment may reach the request
    return client.messages.create(model=model, max_tokens=100, messages=[{"role": "user", "content": text}])


def with_fallback(text):
    model = "claude-3-opus-20240229"
    for _ in range(2):
        try:
            return client.messages.create(model=model, max_tokens=100, messages=[{"role": "user", "content": text}])
        except anthropic.NotFoundError:
            model = "claude-sonnet-4-6"  # the second try sends this one


def label_after_rename(doc):
    prompt = f"Label this document. Respond with JSON only.\n{doc}"
    request = prompt + "\nKeys: label, confidence."
    prompt = f"Summarize: {doc}"  # reassigned after `request` was built from the first one
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=100,  # TB501
                                   messages=[{"role": "user", "content": request}])
    return json.loads(reply.content[0].text), prompt


def make_caller(provider):
    if provider == "anthropic":
        model_name = "claude-3-opus-20240229"

        def call_anthropic(prompt):  # reads model_name as this branch set it (after cmb1705/LITRIS)
            return client.messages.create(model=model_name, max_tokens=100,  # TB302
                                          messages=[{"role": "user", "content": prompt}])
        return call_anthropic
    elif provider == "local":
        model_name = "claude-sonnet-4-6"
        return lambda prompt: f"{model_name} would answer {prompt}"
    raise ValueError(provider)
