import anthropic

from app.scanning.base import PageReader

client = anthropic.Anthropic()


class ClaudeReader(PageReader):
    def read_page(self, page):
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                                       messages=[{"role": "user", "content": page}])
        return reply.content[0].text


class LocalReader(PageReader):
    def read_page(self, page):
        return page.strip()
