"""One mapping request per product; the replies go to a cache the next products read. A list made
afresh for each product (tags = []) carries nothing from one product to the next, so appending a
cached reply to it is no conversation: the requests are independent (TB401)."""
import anthropic

client = anthropic.Anthropic()


def map_category(product, tags):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  messages=[{"role": "user", "content": f"Map {product} (tags: {tags})"}])


def enrich(products, cache):
    out = []
    for product in products:
        tags = []
        cached = cache.get(product["id"])
        if cached:
            tags.append(cached["category"])
            out.append(tags)
            continue
        mapping = map_category(product, tags)
        cache[product["id"]] = mapping
        out.append(mapping)
    return out
