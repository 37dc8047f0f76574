from jobs.llm import grade, rate_fit


def rank(resume, postings):
    return sorted((rate_fit(resume, p["text"]), p["url"]) for p in postings)


def grade_all(answers):
    return [grade(a) for a in answers]
