"""Never imports ChatHelper: it gets one in its constructor."""


class PromptEvaluator:
    def __init__(self, chat_helper) -> None:
        self.chat_helper = chat_helper

    def run(self, cases: list[str]) -> list[str]:
        return [self.chat_helper.chat(case) for case in cases]
