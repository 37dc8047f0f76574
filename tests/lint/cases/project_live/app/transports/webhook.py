"""A chat transport on http.server: the handler class is made inside run(), and its do_POST passes the
webhook's payload to the transport (``transport = self``). The loop over the payload's messages is
live work, one user waiting per message; a backfill run over a saved log is batch work."""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

import anthropic

client = anthropic.Anthropic()


def reply(text):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,
                                  messages=[{"role": "user", "content": text}])


def summarize(text):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=300,  # TB401
                                  system="You write one-line summaries of chat messages.",
                                  messages=[{"role": "user", "content": text}])


class Transport:
    def _on_payload(self, payload):
        for message in payload.get("messages", []):
            reply(message["text"])

    def run(self, port):
        transport = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.end_headers()
                transport._on_payload(json.loads(raw))

        HTTPServer(("127.0.0.1", port), Handler).serve_forever()


def backfill(path):
    for line in open(path):
        summarize(json.loads(line)["text"])


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        Transport().run(8090)
    else:
        backfill(sys.argv[1])
