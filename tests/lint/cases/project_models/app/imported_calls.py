"""Requests through clients imported from app/shared_clients.py."""
from app.shared_clients import client, router

MODEL = "claude-3-opus-20240229"


def through_imported_client(q):
    return client.messages.create(model=MODEL, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": q}])


def through_gateway(q):
    return router.chat.completions.create(model="claude-3-opus-20240229", max_tokens=400,
                                          messages=[{"role": "user", "content": q}])

