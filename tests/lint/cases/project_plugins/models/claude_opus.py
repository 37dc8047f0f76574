"""One model of the exam benchmark: run.py loads it by name."""
import anthropic

client = anthropic.Anthropic()


def call_model(prompt: str) -> str:
    # run.py's dynamic_import(f"models.{MODEL_NAME}", "call_model") hands this function to the
    # grader once per exam problem
    response = client.messages.create(model="claude-opus-4-7", max_tokens=1024,  # TB401
                                      messages=[{"role": "user", "content": prompt}])
    return response.content[0].text
