"""Callers of the wrappers in client.py."""
from app import client
from app.client import Desk, ask, cached, cached_unknown, legacy, mixed, request, request_structured, unknown
from app.prompts import EXTRACT, POLICY, SHORT


def refund(question):
    return ask(POLICY, question)


def extract(invoice):
    text = f"Invoice:\n{invoice}"
    return ask(EXTRACT, text, model="claude-haiku-4-5")


def terse(question):
    return cached(SHORT, question)


def terse_uncached(question):
    return cached(f"{SHORT} Answer in French.", question, cache=False)


def from_file(question, path):
    with open(path) as fh:
        system = fh.read()
    cached_unknown(system, question)
    return cached_unknown(SHORT, question)


def old_models(question):
    legacy(question, "claude-3-opus-20240229")
    return legacy(question, model="claude-3-haiku-20240307")


def models(question):
    mixed(question)
    return mixed(question, model="claude-sonnet-4-6")


def runtime(question, loader):
    return unknown(loader(), question)


def json_request(invoice):
    return request(EXTRACT, invoice)


def json_structured(invoice):
    schema = {"type": "object", "properties": {"total": {"type": "number"}}}
    return request_structured(EXTRACT, invoice, output_config={"format": {"type": "json_schema", "schema": schema}})


def desk_reply(question):
    return Desk(POLICY).reply(question)


def via_module(question):
    return client.ask(SHORT, question)


def either(question, short):
    system = POLICY
    if short:
        system = SHORT  # either may reach the call: the long POLICY uncached (TB101), neither asks for JSON
    return unknown(system, question)


def built(invoice):
    from app.client import build

    return build(invoice, system=EXTRACT)


def themed(question, theme="billing"):
    system = "You are the {theme} desk. Reply with JSON only.".format(theme=theme)
    return request(system, question)


def billing(question):
    return themed(question)  # the theme comes from here: the default


def judge_prompts(claim):
    return "You check claims. Reply with a JSON object {\"supported\": true or false}.", f"Claim: {claim}"


def check_claim(claim):
    from app.client import judge

    system, prompt = judge_prompts(claim)
    return judge(system, prompt)
