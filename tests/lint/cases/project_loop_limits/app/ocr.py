"""A cap the code names on the list a loop goes over: five images at most is a handful (no TB401);
a cap of five hundred is a batch."""
import sys

import anthropic

client = anthropic.Anthropic()
MAX_PAGES = 5
MAX_ROWS = 500


def read_image(image):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=400,
                                  messages=[{"role": "user", "content": f"Transcribe: {image}"}])


def read_page(page):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=400,
                                  messages=[{"role": "user", "content": f"Transcribe: {page}"}])


def read_row(row):
    return client.messages.create(model="claude-haiku-4-5", max_tokens=400,  # TB401
                                  messages=[{"role": "user", "content": f"Transcribe: {row}"}])


class NoteImages:
    def __init__(self, max_images: int = 5):
        self.max_images = max_images

    def read_all(self, images):
        if len(images) > self.max_images:
            images = images[:self.max_images]
        return [read_image(i) for i in images]


def read_scan(pages):
    pages = pages[:MAX_PAGES]
    return [read_page(p) for p in pages]


def read_table(rows):
    rows = rows[:MAX_ROWS]
    return [read_row(r) for r in rows]


if __name__ == "__main__":
    paths = sys.argv[1:]
    print(NoteImages().read_all(paths), read_scan(paths), read_table(paths))
