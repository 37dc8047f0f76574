"""The sections of a proposal, written out here; the clients, read from a file."""
import json

SECTIONS: list[dict] = [
    {"title": "Summary"},
    {"title": "Scope"},
    {"title": "Timeline"},
    {"title": "Pricing"},
]
CLIENTS: list[dict] = json.load(open("clients.json"))
