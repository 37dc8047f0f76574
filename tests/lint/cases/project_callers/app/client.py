"""Request wrappers: every prompt, model and flag comes from the callers (jobs.py, desk.py)."""
import anthropic

client = anthropic.Anthropic()
MODEL = "claude-sonnet-4-6"


def ask(system, prompt, model=MODEL):
    # jobs.py sends the large POLICY (uncached) and the JSON-asking EXTRACT prompt
    return client.messages.create(model=model, max_tokens=1024, system=system,  # TB101 TB501
                                  messages=[{"role": "user", "content": prompt}])


def _send(system, prompt):
    return client.messages.create(model=MODEL, max_tokens=512, system=system,  # TB101
                                  messages=[{"role": "user", "content": prompt}])


def forward(system, prompt):
    return _send(system, prompt)  # plain forwarding: the value is in desk.py


def cached(system, prompt, cache=True):
    block = {"type": "text", "text": system, **({"cache_control": {"type": "ephemeral"}} if cache else {})}
    return client.messages.create(model=MODEL, max_tokens=256, system=[block],  # TB102
                                  messages=[{"role": "user", "content": prompt}])


def cached_unknown(system, prompt):
    # one caller's system prompt is read at run time: its size is unknown, so no TB102
    return client.messages.create(model=MODEL, max_tokens=256,
                                  system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
                                  messages=[{"role": "user", "content": prompt}])


def legacy(prompt, model):
    # every caller sends a retired Claude 3 model
    return client.messages.create(model=model, max_tokens=256,  # TB302
                                  messages=[{"role": "user", "content": prompt}])


def mixed(prompt, model="claude-3-opus-20240229"):
    # one caller sends a current model, the other relies on the retired default: its requests fail (TB302 names it)
    return client.messages.create(model=model, max_tokens=256,  # TB302
                                  messages=[{"role": "user", "content": prompt}])


def unknown(system, prompt):
    # one caller passes a prompt read at run time (nothing to say), the other POLICY or SHORT: POLICY is re-sent
    return client.messages.create(model=MODEL, max_tokens=256, system=system,  # TB101
                                  messages=[{"role": "user", "content": prompt}])


def request(system, prompt, **options):
    # the callers pass no extra options: no structured output reaches the request
    return client.messages.create(model=MODEL, max_tokens=256, system=system,  # TB501
                                  messages=[{"role": "user", "content": prompt}], **options)


def request_structured(system, prompt, **options):
    # the caller passes output_config: structured output, no TB501
    return client.messages.create(model=MODEL, max_tokens=256, system=system,
                                  messages=[{"role": "user", "content": prompt}], **options)


class Desk:
    def __init__(self, system):
        self.system = system

    def reply(self, question):
        return client.messages.create(model=MODEL, max_tokens=512, system=self.system,  # TB101
                                      messages=[{"role": "user", "content": question}])


def build(prompt, system=None):
    # a request dict completed by kw["system"] = ... before create(**kw): the caller's system asks for JSON
    kwargs = {"model": MODEL, "max_tokens": 256, "messages": [{"role": "user", "content": prompt}]}
    if system is not None:
        kwargs["system"] = system
    return client.messages.create(**kwargs)  # TB501


def judge(system, prompt):
    # jobs.py unpacks both prompts from a helper that returns them as a pair: the system asks for JSON
    return client.messages.create(model=MODEL, max_tokens=256, system=system,  # TB501
                                  messages=[{"role": "user", "content": prompt}])
