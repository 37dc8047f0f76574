"""An eval judge that builds its client lazily, once, behind a getter typed with the client's class."""

from labeling.clients import AiClient

_client = None


def _get_client() -> AiClient:
    global _client
    if _client is None:
        _client = AiClient()
    return _client


def judge_all(answers: list[str]) -> list[str]:
    # _get_client().grade(a) per answer: each call reaches AiClient.grade
    return [_get_client().grade(a) for a in answers]
