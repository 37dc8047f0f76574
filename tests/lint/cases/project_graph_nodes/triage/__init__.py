"""A LangGraph pipeline: the node functions make the requests, the graph calls them, and the loops
run the graph (``pipeline.invoke`` in a helper, ``build_graph().invoke`` in place)."""
