"""A runner module nothing imports: its loop is what someone runs, so it counts."""

from app.llm import translate


def translate_rows(rows):
    for row in rows:
        translate(row)
