"""One request per function; whether each is batch work depends on the loop that calls it."""

import time

import anthropic

client = anthropic.Anthropic()


def answer_timed(question):
    # tasks.py keeps each request's latency: a latency benchmark, not batch work
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,
                                  messages=[{"role": "user", "content": question}])


def answer_summed(question):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=200,  # TB401
                                  messages=[{"role": "user", "content": question}])


def label_message(message):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=50,
                                  messages=[{"role": "user", "content": f"Label: {message}"}])


def label_export(message):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=50,  # TB401
                                  messages=[{"role": "user", "content": f"Label: {message}"}])


def screen(article):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                                  messages=[{"role": "user", "content": f"Include? {article}"}])


def screen_all(article):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=100,  # TB401
                                  messages=[{"role": "user", "content": f"Include? {article}"}])


def rewrite_section(text):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=800,
                                  messages=[{"role": "user", "content": f"Rewrite: {text}"}])


def translate_doc(text):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=800,  # TB401
                                  messages=[{"role": "user", "content": f"In English: {text}"}])


def timed_in_place(questions, latencies):
    for q in questions:  # the loop is here: each request's latency is the measurement
        start = time.perf_counter()
        client.messages.create(model="claude-haiku-4-5", max_tokens=200,
                               messages=[{"role": "user", "content": q}])
        latencies.append(time.perf_counter() - start)


def picked_in_place(sections):
    for name, text in sections.items():  # only the three sections the code names
        if name.lower() in ("skills", "projects", "experience"):
            client.messages.create(model="claude-haiku-4-5", max_tokens=800,
                                   messages=[{"role": "user", "content": f"Rewrite: {text}"}])


def chunks_until_enough(articles, state):
    for i in range(0, len(articles), 10):  # stops once enough are included: each chunk is needed first
        for article in articles[i:i + 10]:
            client.messages.create(model="claude-haiku-4-5", max_tokens=100,
                                   messages=[{"role": "user", "content": f"Include? {article}"}])
        state.screened += 10
        if state.screened >= state.target:
            break


def judge_until_done(sentence):
    done = False
    while not done:  # a retry: one request until it succeeds (the loop per sentence is in probes.py)
        try:
            reply = client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                           messages=[{"role": "user", "content": f"Judge: {sentence}"}])
            done = True
        except anthropic.APIError:
            time.sleep(5)
    return reply


def grade(sentence):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                   messages=[{"role": "user", "content": f"Grade: {sentence}"}])
    return reply.content[0].text, reply.usage


def grade_until_answered(sentence):
    grade_text = None
    while not grade_text:  # a retry: it goes round again only when grade() raised
        try:
            grade_text, usage = grade(sentence)
        except anthropic.APIError:
            time.sleep(5)
    return grade_text


def judge_first_few(sentence):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": f"Judge: {sentence}"}])


def plan(task):
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                   messages=[{"role": "user", "content": f"Steps for: {task}"}])
    return reply.content[0].text.splitlines()


aclient = anthropic.AsyncAnthropic()


async def answer_eval(question):
    return await aclient.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                         messages=[{"role": "user", "content": question}])


async def answer_live(question):
    return await aclient.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                         messages=[{"role": "user", "content": question}])


def summarize_pick(paper):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=500,
                                  messages=[{"role": "user", "content": f"Summarize: {paper['abstract']}"}])


def summarize_shortlist(paper):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=500,  # TB401
                                  messages=[{"role": "user", "content": f"Summarize: {paper['abstract']}"}])


def write_section(section):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=2000,
                                  messages=[{"role": "user", "content": f"Write the {section['title']} section."}])


def profile_client(record):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=800,  # TB401
                                  messages=[{"role": "user", "content": f"Profile this client: {record}"}])


def judge_with_capped_tries(sentence):
    count, run_cap = 0, 5
    while count < run_cap:  # a retry counted up to a cap (gadfly): the loop per sentence is in probes.py
        try:
            reply = client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                           messages=[{"role": "user", "content": f"Judge: {sentence}"}])
            break
        except anthropic.RateLimitError:
            count += 1
            time.sleep(2 ** count)
    return reply
