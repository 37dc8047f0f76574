"""Circuit breakers kept by name; the object a factory returns is opaque to the caller search."""


class Breaker:
    def __init__(self, name):
        self.name = name
        self.failures = 0

    def call(self, func, *args, **kwargs):
        if self.failures > 3:
            raise RuntimeError(f"{self.name} is open")
        return func(*args, **kwargs)


_BREAKERS = {}


def get_breaker(name):
    return _BREAKERS.setdefault(name, Breaker(name))
