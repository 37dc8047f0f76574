from fastapi import FastAPI

from survey.personas import grade_essays, price_survey, quick_poll

app = FastAPI()


@app.post("/survey")
def survey(body: dict):
    return price_survey(body["cards"], body["product"])


@app.post("/poll")
def poll(body: dict):
    return quick_poll(body["cards"], body["question"])


@app.post("/grade")
def grade(body: dict):
    return grade_essays(body["cards"], body["essays"])
