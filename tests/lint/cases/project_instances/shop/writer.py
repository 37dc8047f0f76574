"""A method called on an instance made in place (``Writer().describe(p)``) by a per-item loop in
another module is found like ``w = Writer(); w.describe(p)``: TB401. ``Writer().title`` is called
once, outside any loop: silent."""
import anthropic

client = anthropic.Anthropic()


class Writer:
    def describe(self, product):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                      messages=[{"role": "user", "content": f"Describe: {product}"}])

    def title(self, catalog):
        return client.messages.create(model="claude-haiku-4-5", max_tokens=30,
                                      messages=[{"role": "user", "content": f"Name this catalog: {catalog}"}])
