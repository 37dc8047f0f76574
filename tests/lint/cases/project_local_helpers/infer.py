import json
import sys

from llm import ask, ask_once, chat, shadowed
from retrying import retry_handler

if __name__ == "__main__":
    engine = sys.argv[1]
    rows = json.load(open(sys.argv[2]))
    if engine == "anthropic":
        @retry_handler(retry_limit=10)
        def api(**kwargs):
            return ask(**kwargs)

        outputs = []
        for row in rows:  # one independent request per row: a batch
            outputs.append(api(prompt=row["text"]))
        json.dump(outputs, open("out.json", "w"))
    elif engine == "single":
        @retry_handler(retry_limit=10)
        def api(**kwargs):
            return ask_once(**kwargs)

        print(api(prompt=rows[0]["text"]))  # one request: nothing to batch
    else:
        def talk(text):
            return chat(text)

        while True:  # an interactive loop: each answer is awaited
            print(talk(input("> ")))

    def api(text):
        return shadowed(text)

    def api(text):  # the loop below calls this one
        return text.upper()

    for row in rows:
        print(api(row["text"]))
