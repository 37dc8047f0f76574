"""A model chosen by a conditional expression: both branches count unless one can never run."""
import anthropic

client = anthropic.Anthropic()
FALLBACK_MODEL = "claude-3-opus-20240229"
CURRENT_MODEL = "claude-sonnet-5-5"


def never_defined(q):
    # OVERRIDE_MODEL is defined nowhere: the fallback is the only value
    return client.messages.create(model=OVERRIDE_MODEL if "OVERRIDE_MODEL" in globals() else FALLBACK_MODEL,  # TB302
                                  max_tokens=400, messages=[{"role": "user", "content": q}])


def defined_override(q):
    # the override exists (and is current): it is the model when defined
    return client.messages.create(model=LOCAL_MODEL if "LOCAL_MODEL" in globals() else FALLBACK_MODEL,
                                  max_tokens=400, messages=[{"role": "user", "content": q}])


def both_retired(q, big):
    return client.messages.create(model=FALLBACK_MODEL if big else "claude-3-haiku-20240307",  # TB302
                                  max_tokens=400, messages=[{"role": "user", "content": q}])


def one_current(q, big):
    return client.messages.create(model=FALLBACK_MODEL if big else CURRENT_MODEL,
                                  max_tokens=400, messages=[{"role": "user", "content": q}])


LOCAL_MODEL = "claude-haiku-5-5"


def per_ticket(ticket, q):
    # a value read at run time, else the fallback (as a getenv default): the fallback fails when used
    model = ticket.variant_model or FALLBACK_MODEL
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def per_ticket_current(ticket, q):
    return client.messages.create(model=ticket.variant_model or CURRENT_MODEL, max_tokens=400,
                                  messages=[{"role": "user", "content": q}])
