import llm


def main(docs):
    for doc in docs:
        print(llm.audit(doc, ["A1", "B2"]), llm.continue_cut_off(doc), llm.describe(doc))
