"""One scanned file through the provider main.py picked."""


def process_file(path, llm_module):
    client = llm_module.get_client()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    fixed = llm_module.correct_text(text, client)
    return llm_module.summarize(fixed, client)
