"""Request helpers. Every loop that calls them lives in another module of this project."""
import anthropic

client = anthropic.Anthropic()
aclient = anthropic.AsyncAnthropic()
MODEL = "claude-sonnet-4-6"


def classify(item):
    # imported under an alias inside the function that loops
    return client.messages.create(model=MODEL, max_tokens=64,  # TB401
                                  messages=[{"role": "user", "content": item}])


def generate(prompt, req):
    # handed by keyword to a suite runner, which hands it to a generic iterator that loops
    return client.messages.create(model=MODEL, max_tokens=512, system=prompt,  # TB401
                                  messages=[{"role": "user", "content": req}])


def summarize(doc):
    # re-bound to a variable, then passed positionally to a function that loops over the parameter
    return client.messages.create(model=MODEL, max_tokens=512,  # TB401
                                  messages=[{"role": "user", "content": doc}])


def with_retries(text):
    # its own retry loop is not a batch; the per-item loop is in the caller
    for attempt in range(3):
        try:
            return client.messages.create(model=MODEL, max_tokens=256,  # TB401
                                          messages=[{"role": "user", "content": text}])
        except anthropic.APIError:
            continue
    return None


def call_claude(messages, system=None, max_tokens=1024):
    # the request is built in **kwargs; the reply is read as a whole message, so it does not stream
    kwargs: dict = {"model": MODEL, "max_tokens": max_tokens, "messages": messages}
    if system is not None:
        kwargs["system"] = system
    response = client.messages.create(**kwargs)  # TB401
    return response.content[0].text


def grade(row):
    # a retry loop named by its trials, nested inside the per-item loop of the caller
    return client.messages.create(model=MODEL, max_tokens=256,  # TB401
                                  messages=[{"role": "user", "content": row}])


class Writer:
    def write(self, lead):
        # reached through self.writer, two plain methods below the per-lead loop
        return client.messages.create(model=MODEL, max_tokens=400,  # TB401
                                      messages=[{"role": "user", "content": lead}])


def tag(item):
    # a click command loops over the pending items: a CLI run is batch work
    return client.messages.create(model=MODEL, max_tokens=64,  # TB401
                                  messages=[{"role": "user", "content": item}])


def extract(article):
    # a scheduled handler loops over the articles it fetched itself: batch work
    return client.messages.create(model=MODEL, max_tokens=1024,  # TB401
                                  messages=[{"role": "user", "content": article}])


def describe(key):
    # only called over a literal handful of demo keys
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": key}])


def answer(question):
    # a web route loops over the request's own questions: someone waits for the answers
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": question}])


def enrich(row):
    # the loop is in a helper that only a request handler calls
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": row}])


def parse_record(body):
    # an SQS-triggered handler loops over the event's own records
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": body}])


def reply(message):
    # a chat bot command loops over the user's message parts
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": message}])


def ask(question):
    # the loop runs inside a batching library's context: the library sends a Message Batch
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": question}])


def first_answer(question):
    # the caller's loop stops at the first good answer: a search, not a batch
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": question}])


def score(text):
    # applied to every row of a pandas column
    return client.messages.create(model=MODEL, max_tokens=16,  # TB401
                                  messages=[{"role": "user", "content": text}])


def rewrite(text):
    # mapped over the texts through a lambda
    return client.messages.create(model=MODEL, max_tokens=512,  # TB401
                                  messages=[{"role": "user", "content": text}])


def plan(messages):
    # the agent's own turn, inside its while loop
    return client.messages.create(model=MODEL, max_tokens=1024, messages=messages)


def run_tool(block):
    # tools of one agent turn, run in parallel inside the agent's while loop: one step of a live cycle
    return client.messages.create(model=MODEL, max_tokens=256, messages=[{"role": "user", "content": block}])


def story(team):
    # called for one or both teams picked in a menu, for the top five matches, over the sections of
    # one pitch, for each kind of plan and for the tool calls of an agent turn: none is a batch
    return client.messages.create(model=MODEL, max_tokens=512,
                                  messages=[{"role": "user", "content": team}])


def extract_document(document):
    # called once per document of a collection (handfuls.extract_all): a batch
    return client.messages.create(model=MODEL, max_tokens=512,  # TB401
                                  messages=[{"role": "user", "content": document}])


def verdict(candidate):
    # called per candidate by one cycle of a service loop (handfuls.serve): the verdicts are used at once
    return client.messages.create(model=MODEL, max_tokens=256,
                                  messages=[{"role": "user", "content": candidate}])


def describe_video(video):
    # called per video of a page of a backfill (handfuls.backfill pages with while start < total)
    return client.messages.create(model=MODEL, max_tokens=256,  # TB401
                                  messages=[{"role": "user", "content": video}])
