"""Per-persona requests that two kinds of code run."""
import anthropic

client = anthropic.Anthropic()


def price_survey(cards, product):
    # the API runs it for one user (live), and wtp_cli.py runs it over a personas file: the
    # command-line run can wait for a batch
    answers = []
    for card in cards:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,  # TB401
                                       system=card, messages=[{"role": "user", "content": product}])
        answers.append(reply.content[0].text)
    return answers


def quick_poll(cards, question):
    # only the API runs it (and this module's own try-out on a written-out sample): live work
    answers = []
    for card in cards:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                                       system=card, messages=[{"role": "user", "content": question}])
        answers.append(reply.content[0].text)
    return answers


def screen_posts(cards, posts):
    # called once per cycle of the bot's polling loop: live work, though a script starts the bot
    answers = []
    for post in posts:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                                       system=cards[0], messages=[{"role": "user", "content": post}])
        answers.append(reply.content[0].text)
    return answers


def grade_essays(cards, essays):
    # the /grade route only starts the grading in a background thread and answers at once: nobody
    # waits on the answers, so the loop can wait for a batch
    grades = []
    for essay in essays:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,  # TB401
                                       system=cards[0], messages=[{"role": "user", "content": essay}])
        grades.append(reply.content[0].text)
    return grades


if __name__ == "__main__":
    print(quick_poll(["You are a student."], "Would you pay $5?"))
