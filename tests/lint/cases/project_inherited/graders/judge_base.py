class BaseJudge:
    SYSTEM_PROMPT = "You grade answers against the rubric. " + "Rubric clause. " * 600


class PersonaJudge:
    SYSTEM_PROMPT = "You grade answers in character. " + "Rubric clause. " * 600  # a default only:

    def __init__(self, persona):
        self.SYSTEM_PROMPT = persona  # every instance sends the persona it was given
