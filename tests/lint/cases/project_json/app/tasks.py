"""The callers: the JSON prompts go to the other provider, except through route_json."""
from app.llm.claude import chat, generate_story
from app.llm.router import route, route_json

SCORE_PROMPT = "Score this pitch from 1 to 10. Return ONLY valid JSON: {\"score\": <int>}\n"


def score(pitch):
    return route("score", SCORE_PROMPT + pitch, max_tokens=200)


def clarify(section):
    return route("clarify_question", f"Ask the founder one clarifying question about: {section}", max_tokens=300)


def score_json(pitch):
    return route_json("score", SCORE_PROMPT + pitch)


def story(match):
    prompt = f"You are a sports writer.\n\nHere is the data: {match}\n\nReturn ONLY a valid JSON object."
    return generate_story(prompt)


def summary(text):
    return chat([{"role": "system", "content": "You summarise meeting notes in three bullet points."},
                 {"role": "user", "content": text}])
