"""Defaulted model parameters: what the callers pass counts too (callers in app/jobs.py)."""
import anthropic

OLD_SONNET = "claude-3-sonnet-20240229"
OLD_OPUS = "claude-3-opus-20240229"
CURRENT = "claude-sonnet-5-5"

client = anthropic.Anthropic()


def complete(system, user, model=OLD_SONNET):  # one caller passes CURRENT, the other relies on the retired default
    return client.messages.create(model=model, max_tokens=400, system=system,  # TB302
                                  messages=[{"role": "user", "content": user}])


def legacy_only(user, model=OLD_SONNET):  # callers pass only retired ids
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": user}])


def forwarded(user, model):  # no default: its callers' values (app/jobs.py) reach legacy_only
    return legacy_only(user, model=model)


def mapped(user, model_name):
    if model_name == "sonnet":
        model_name = "claude-3-sonnet-20240229"
    elif model_name == "haiku":
        model_name = "claude-3-haiku-20240307"
    return client.messages.create(model=model_name, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": user}])


def mapped_mixed(user, model_name):
    if model_name == "sonnet":
        model_name = "claude-sonnet-5-5"
    elif model_name == "haiku":
        model_name = "claude-3-haiku-20240307"
    return client.messages.create(model=model_name, max_tokens=400,
                                  messages=[{"role": "user", "content": user}])


def chosen(user, fast):
    model = "claude-3-haiku-20240307"
    if not fast:
        model = compute_model()
    return client.messages.create(model=model, max_tokens=400,
                                  messages=[{"role": "user", "content": user}])


def compute_model():
    return input("model? ")


def legacy_completion(text):
    return client.completions.create(model="claude-2.1", max_tokens_to_sample=300,  # TB302
                                     prompt=f"{anthropic.HUMAN_PROMPT} {text}{anthropic.AI_PROMPT}")


TIERS = {"fast": "claude-3-haiku-20240307", "smart": "claude-3-opus-20240229"}
MIXED_TIERS = {"fast": "claude-haiku-5-5", "smart": "claude-3-opus-20240229"}


def by_tier(user, tier):
    return client.messages.create(model=TIERS[tier], max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": user}])


def by_tier_with_default(user, tier):
    return client.messages.create(model=TIERS.get(tier, "claude-sonnet-5-5"), max_tokens=400,
                                  messages=[{"role": "user", "content": user}])


def by_mixed_tier(user, tier):
    return client.messages.create(model=MIXED_TIERS[tier], max_tokens=400,
                                  messages=[{"role": "user", "content": user}])


def by_constant_tier(user):
    return client.messages.create(model=MIXED_TIERS["fast"], max_tokens=400,
                                  messages=[{"role": "user", "content": user}])
