"""Models read from a configuration mapping known only at run time, with a literal fallback: the
fallback is the model unless the configuration names another (judged like an os.getenv default)."""
import json

import anthropic

client = anthropic.Anthropic()


def load_config(path):
    with open(path) as f:
        return json.load(f)


def ask(cfg, q):
    model = cfg.get("CLAUDE_MODEL", "claude-3-5-sonnet-20241022")
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def _send(model, q):
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def route(request_body, q):
    return _send(request_body.get("model", "claude-3-haiku-20240307"), q)


def current(cfg, q):
    return client.messages.create(model=cfg.get("claude_model", "claude-sonnet-5-5"), max_tokens=400,
                                  messages=[{"role": "user", "content": q}])


def not_a_model_setting(cache, q):  # only a model setting is read this way: the size stays unknown
    return client.messages.create(model="claude-sonnet-5-5", max_tokens=cache.get("max_tokens", 900_000),
                                  messages=[{"role": "user", "content": q}])
