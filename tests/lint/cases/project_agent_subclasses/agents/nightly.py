"""Jobs that hold a subclass: ``run`` and ``chat`` are inherited from ``BaseAgent``, whose requests
they send, although this module names neither ``BaseAgent`` nor its module."""
from .sanctions import SanctionsAgent
from .synthesis import SynthesisAgent


class CachedSanctions(SanctionsAgent):
    def run(self, task: str) -> str:  # its own ``run``: no request from the base's
        return f"cached: {task}"


class StrictSanctions(SanctionsAgent):  # a subclass of a subclass inherits the base's ``run`` too
    pass


def screen_all(names: list[str]) -> list[str]:  # one request per name: BaseAgent.run is TB401
    agent = StrictSanctions()
    return [agent.run(f"Screen {name}") for name in names]


def screen_cached(names: list[str]) -> list[str]:
    agent = CachedSanctions()
    return [agent.run(name) for name in names]


def console() -> None:  # each request waits on a person: not batch work (chat stays silent)
    agent = SynthesisAgent()
    while True:
        print(agent.chat(input("> ")))
