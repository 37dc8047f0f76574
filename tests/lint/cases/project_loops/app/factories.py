"""A factory returns a closure over its model and prompt; pandas applies the closure to every row
(categorize.py), so each row is one request (TB401)."""
import anthropic

client = anthropic.Anthropic()


def completions_with_backoff(**kwargs):
    return client.messages.create(**kwargs)  # TB401


def make_categorizer(model_name, system_prompt):
    def categorize(text):
        reply = completions_with_backoff(model=model_name, max_tokens=50, system=system_prompt,
                                         messages=[{"role": "user", "content": text}])
        return reply.content[0].text
    return categorize
