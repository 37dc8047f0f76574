import anthropic


class Model:
    def __init__(self, name="claude-haiku-4-5"):
        self.client = anthropic.Anthropic()
        self.name = name

    def answer(self, question):
        reply = self.client.messages.create(model=self.name, max_tokens=300,  # TB401
                                            messages=[{"role": "user", "content": question}])
        return reply.content[0].text

    def chat(self, history):
        reply = self.client.messages.create(model=self.name, max_tokens=300, messages=history)
        return reply.content[0].text

    def grade(self, answer):
        reply = self.client.messages.create(model=self.name, max_tokens=5,  # TB401
                                            messages=[{"role": "user", "content": f"Correct? yes or no: {answer}"}])
        return reply.content[0].text
