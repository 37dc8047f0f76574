import anthropic

from .yaml_settings import PipelineConfig


class PipelineClient:
    def __init__(self, cfg: PipelineConfig):
        self.cfg = cfg
        self.client = anthropic.Anthropic()

    def classify(self, text):  # the YAML file's id, not the default: the file is there
        return self.client.messages.create(model=self.cfg.anthropic_model, max_tokens=5,  # TB302
                                           messages=[{"role": "user", "content": text}])
