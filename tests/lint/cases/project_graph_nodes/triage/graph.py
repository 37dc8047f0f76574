from langgraph.graph import END, StateGraph

from triage.nodes import answer, label, summarize


def build_pipeline():
    workflow = StateGraph(dict)
    workflow.add_node("label", label)
    workflow.set_entry_point("label")
    workflow.add_edge("label", END)
    return workflow.compile()


pipeline = build_pipeline()


def run(text):
    return pipeline.invoke({"text": text})


def build_summarizer():
    graph = StateGraph(dict)
    graph.add_node("summarize", summarize)
    graph.set_entry_point("summarize")
    app = graph.compile()
    return app


def build_chat():
    graph = StateGraph(dict)
    graph.add_node(answer)
    return graph.compile()
