"""Sweeps over prompt variants and models: on their own a comparison of settings (silent); inside a
per-sample loop, each (sample, variant, model) request is independent work that can wait (TB401)."""
import anthropic

client = anthropic.Anthropic()
VARIANTS = {"terse": "Answer with the label only.", "reasoned": "Explain, then give the label."}


def judge(sample, variant, model):
    return client.messages.create(model=model, max_tokens=200, system=VARIANTS[variant],  # TB401
                                  messages=[{"role": "user", "content": sample}])


def compare(sample, variant, model):
    return client.messages.create(model=model, max_tokens=200, system=VARIANTS[variant],
                                  messages=[{"role": "user", "content": sample}])


def run_grid(samples, models):
    results = []
    for sample in samples:
        for variant in VARIANTS:
            for model in models:
                results.append(judge(sample, variant, model))
    return results


def compare_models(sample, models):
    return [compare(sample, "terse", model) for model in models]


def render(doc, mode, with_pdf):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system=VARIANTS["reasoned"],
                                  messages=[{"role": "user", "content": f"{mode} ({with_pdf}): {doc}"}])


def compare_modes(doc):
    out = []
    for mode, with_pdf in [("text", False), ("pdf", True)]:  # two cases written out: a comparison, silent
        out.append(render(doc, mode, with_pdf))
    return out
