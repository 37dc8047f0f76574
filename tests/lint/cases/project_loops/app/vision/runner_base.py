"""Runs an inference function over every row of a manifest, at most ``max_images`` of them."""


def run_inference(rows, infer_fn, max_images=None):
    processed = 0
    results = []
    for row in rows:
        if max_images and processed >= max_images:  # a cap on the count: not a search that stops early
            break
        results.append(infer_fn(row))
        processed += 1
    return results
