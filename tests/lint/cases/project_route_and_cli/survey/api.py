import threading

from fastapi import FastAPI
from pydantic import BaseModel

from survey.personas import grade_essays, price_survey, quick_poll

app = FastAPI()


@app.post("/survey")
def survey(body: dict):
    return price_survey(body["cards"], body["product"])


@app.post("/poll")
def poll(body: dict):
    return quick_poll(body["cards"], body["question"])


class GradeRequest(BaseModel):
    cards: list[str]
    essays: list[str]


def grade_job(req: GradeRequest):
    # takes the request's body, but only as a background job the route starts: nobody waits on it
    print(grade_essays(req.cards, req.essays))


@app.post("/grade")
def grade(req: GradeRequest):
    threading.Thread(target=grade_job, args=(req,), daemon=True).start()
    return {"status": "started"}
