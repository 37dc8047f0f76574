class EchoClient:
    def generate(self, prompt: str, system: str) -> str:
        return prompt
