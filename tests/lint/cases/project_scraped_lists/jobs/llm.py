"""One request per job posting or per answer."""
import anthropic

client = anthropic.Anthropic()


def rate_fit(resume, posting):
    # run.py passes the postings the scraper collected page by page: a list of any length, so its
    # loop is a batch
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512,  # TB401
                                   messages=[{"role": "user", "content": f"{resume}\n\n{posting}"}])
    return reply.content[0].text


def grade(answer):
    # demo.py's loop goes over three answers written out in the script: a demonstration
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=512,
                                   messages=[{"role": "user", "content": f"Grade: {answer}"}])
    return reply.content[0].text
