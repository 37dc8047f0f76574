"""The OpenAI SDK sent to the Claude API: answers graded one per request from a loop in another module
are a batch, sent through the anthropic SDK's Message Batches at half price. A gateway the code does
not name may not reach that API: its requests stay silent."""
import os

from openai import OpenAI

claude = OpenAI(api_key=os.environ["ANTHROPIC_API_KEY"], base_url="https://api.anthropic.com/v1/")
gateway = OpenAI(base_url=os.environ["LLM_GATEWAY_URL"])


def grade(answer: str):
    return claude.chat.completions.create(model="claude-haiku-4-5", max_tokens=20,  # TB401
                                          messages=[{"role": "user", "content": f"Grade 1-5: {answer}"}])


def grade_via_gateway(answer: str):
    return gateway.chat.completions.create(model="claude-haiku-4-5", max_tokens=20,
                                           messages=[{"role": "user", "content": f"Grade 1-5: {answer}"}])
