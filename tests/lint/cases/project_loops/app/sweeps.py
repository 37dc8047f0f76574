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
