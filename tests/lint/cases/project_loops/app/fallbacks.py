"""A model fallback chain inside the request's function: the models are tried in turn until one
answers, so each call still sends one request in the end (a retry, looked through). The loop over the
sectors in the caller is per-item work (TB401); the groups of a ``posts_by_sector`` mapping are
items, not the fields of one record."""
import anthropic

client = anthropic.Anthropic()
FALLBACK_MODELS = ["claude-sonnet-4-6", "claude-haiku-4-5"]


def analyse_sector(sector: str, posts: list[str]) -> str | None:
    for model in FALLBACK_MODELS:
        try:
            reply = client.messages.create(model=model, max_tokens=800,  # TB401
                                           messages=[{"role": "user", "content": f"{sector}:\n" + "\n".join(posts)}])
            return reply.content[0].text
        except anthropic.APIError:
            continue
    return None


def nightly_report(posts_by_sector: dict[str, list[str]]) -> dict[str, str | None]:
    report = {}
    for sector, posts in posts_by_sector.items():
        report[sector] = analyse_sector(sector, posts)
    return report


def _translate(model: str, text: str) -> str:
    reply = client.messages.create(model=model, max_tokens=400,  # TB401
                                   messages=[{"role": "user", "content": f"Translate to French:\n{text}"}])
    return reply.content[0].text


def translate_all(texts: list[str]) -> list[str]:
    out = []
    for text in texts:  # per item, each tried on the fallback models until one answers
        for model in FALLBACK_MODELS:
            try:
                out.append(_translate(model, text))
                break
            except anthropic.APIError:
                continue
    return out
