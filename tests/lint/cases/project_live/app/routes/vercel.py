"""A Vercel Python function: an http.server request handler whose do_POST answers the request."""
import json
from http.server import BaseHTTPRequestHandler

from app.services.pages import audit_pages


class handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self._audit(body["pages"])

    def _audit(self, pages):
        self.send_response(200)
        self.end_headers()
        audit_pages(pages, lambda event: self.wfile.write(json.dumps(event).encode() + b"\n"))
