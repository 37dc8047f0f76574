"""A proposal's four sections (a handful written out in another module: not batch work), and a
profile per client of a list read from a file (batch work)."""

from app.llm import profile_client, write_section
from app.sections import CLIENTS, SECTIONS


def write_proposal():
    return "\n\n".join(write_section(section).content[0].text for section in SECTIONS)


def profile_all():
    for record in CLIENTS:
        print(profile_client(record))
