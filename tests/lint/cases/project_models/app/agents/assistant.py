"""An assistant that keeps one field of the configuration it is built with."""
from app.agents.transport import complete


class Assistant:
    def __init__(self, llm_config):
        self._model_name = llm_config.model  # the field of what its construction passes

    def ask(self, q):
        return complete(model=self._model_name, q=q)
