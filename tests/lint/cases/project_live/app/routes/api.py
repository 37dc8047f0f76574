"""The web layer: routes answer a request; what they call is live work, wherever it lives."""
from app.services.agent import PitchAgent
from app.services.facts import FactExtractor


class Router:
    def post(self, path):
        return lambda f: f


router = Router()


@router.post("/people/{name}/facts")
async def extract_facts(name: str, batches: list):
    extractor = FactExtractor()
    return {"facts": extractor.extract_for(name, batches)}


@router.post("/pitch")
def pitch(sections: dict):
    agent = PitchAgent(sections)
    return {"questions": agent.questions()}


@router.post("/send-digest")
def send_digest():  # takes nothing from the request: it starts the all-users job a scheduler runs too
    from app.services.digest import load_users, send_daily_digest

    send_daily_digest(load_users())
    return {"status": "sent"}


@router.post("/headlines")
def headlines(articles: list):  # the request's own articles: the caller waits for these answers
    from app.services.digest import headline

    return [headline(a) for a in articles]
