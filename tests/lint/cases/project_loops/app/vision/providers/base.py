"""The interface every vision provider implements."""


class VisionProvider:
    def __init__(self, model=None):
        self.model = model

    def infer(self, image_path, prompt):
        raise NotImplementedError
