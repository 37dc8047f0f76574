"""``python -m pytest_tokenbudget.testing [--port N]``: serve the fake API until killed."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from pytest_tokenbudget.testing.server import FakeLLMServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytest_tokenbudget.testing",
                                     description="Fake Anthropic + OpenAI-compatible API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    args = parser.parse_args(argv)
    server = FakeLLMServer(port=args.port).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    print(f"fake LLM API listening on {server.url}", flush=True)
    print(f"  anthropic: ANTHROPIC_BASE_URL={server.url}", flush=True)
    print(f"  openai:    OPENAI_BASE_URL={server.openai_url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
