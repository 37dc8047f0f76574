from multiprocessing.pool import ThreadPool


def map_with_progress(f, xs, num_threads=8):
    """Runs f once per item, in threads: every example is its own independent request."""
    with ThreadPool(min(num_threads, len(xs))) as pool:
        return list(pool.imap(f, xs))


def with_timeout(f, seconds=60):
    """Runs f once: not a loop."""
    return f()
