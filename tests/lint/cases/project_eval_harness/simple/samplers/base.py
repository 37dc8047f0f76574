class SamplerBase:
    """What an eval holds: it calls the sampler, never names the Claude class."""

    def __call__(self, messages: list[dict]) -> str:
        raise NotImplementedError
