import functools
import time


def retry_handler(retry_limit=10):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(retry_limit):
                try:
                    return fn(*args, **kwargs)
                except Exception:
                    time.sleep(attempt)
        return wrapper
    return decorate
