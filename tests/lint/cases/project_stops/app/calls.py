"""Each call marked with a TB205 comment must be reported; every other call stays silent."""
import anthropic

from app import config
from app.config import CONFIG, cfg, env, settings

client = anthropic.Anthropic()


def tagged(q):
    return client.messages.create(  # TB205
        model=settings.model, max_tokens=settings.max_tokens,
        messages=[{"role": "user", "content": f"Put the answer inside <answer> tags.\n{q}"}])


def untagged(q):
    return client.messages.create(  # TB205
        model=settings.model, max_tokens=settings.max_tokens, messages=[{"role": "user", "content": q}])


def from_dict(q):
    return client.messages.create(  # TB205
        model=CONFIG["model"], max_tokens=CONFIG["max_tokens"], messages=[{"role": "user", "content": q}])


def from_module(q):
    return client.messages.create(  # TB205
        model=config.MODEL, max_tokens=500, messages=[{"role": "user", "content": q}])


def open_kwargs(q, **kw):
    return client.messages.create(model=settings.model, max_tokens=300, messages=[{"role": "user", "content": q}],
                                  **kw)


def factory_default(q):
    return client.messages.create(model=cfg.model, max_tokens=cfg.max_tokens, messages=[{"role": "user", "content": q}])


def env_default(q):
    return client.messages.create(model=env.model, max_tokens=300, messages=[{"role": "user", "content": q}])


def forced_tool(q, tools):
    return client.messages.create(model=settings.model, max_tokens=300, tools=tools,
                                  tool_choice={"type": "tool", "name": "record"},
                                  messages=[{"role": "user", "content": q}])


def literal_model(q):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300, messages=[{"role": "user", "content": q}])
