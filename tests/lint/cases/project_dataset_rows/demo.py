"""Three questions written out in the script: a demonstration, not batch work."""
from llm import demo_chat


def show(questions):
    for question in questions:
        print(demo_chat(question))


show(["What is a token?", "What is a prompt?", "What is a cache?"])
