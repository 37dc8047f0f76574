"""A service module: the loops here are judged by who runs them."""
import anthropic

client = anthropic.Anthropic()


class FactExtractor:
    def _extract(self, name, batches):
        facts = []
        for batch in batches:  # the route awaits these answers: per-request work
            r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                                       messages=[{"role": "user", "content": f"Facts about {name}: {batch}"}])
            facts.append(r.content[0].text)
        return facts

    def extract_for(self, name, batches):
        return self._extract(name, batches)


def summarise_all(docs):
    out = []
    for doc in docs:
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,  # TB401
                                   messages=[{"role": "user", "content": f"Summarise: {doc}"}])
        out.append(r.content[0].text)
    return out


def clarify(section, text):
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=300,
                               messages=[{"role": "user", "content": f"Ask one question about {section}: {text}"}])
    return r.content[0].text
