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
