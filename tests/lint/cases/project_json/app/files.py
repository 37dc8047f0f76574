"""Content lists built block by block before the call."""
import anthropic

client = anthropic.Anthropic()


def quiz(file_ids, topic):
    blocks = []
    for fid in file_ids:
        blocks.append({"type": "document", "source": {"type": "file", "file_id": fid}})
    prompt = """Generate quiz questions about %s from these documents.

Return ONLY valid JSON:
{"questions": [{"question": "...", "options": ["A", "B"], "correct_index": 0}]}""" % topic
    blocks.append({"type": "text", "text": prompt})
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=4000,  # TB501
                               messages=[{"role": "user", "content": blocks}])
    return r.content[0].text


def summary(file_ids):
    blocks = []
    for fid in file_ids:
        blocks.append({"type": "document", "source": {"type": "file", "file_id": fid}})
    blocks.append({"type": "text", "text": "Summarise these documents in one paragraph."})
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024,
                               messages=[{"role": "user", "content": blocks}])
    log = [r.content[0].text]
    log.append("Respond in JSON next time.")  # appended after the request: not sent
    return log


class Extractor:
    def __init__(self, markers):
        self.markers = markers

    def prompt(self):
        if self.markers:
            return f"Extract the results and map them to {self.markers}. Return ONLY valid JSON."
        return "Extract the results. Format the output as JSON with a results list."

    def loose_prompt(self):
        if self.markers:
            return "Extract the results. Return ONLY valid JSON."
        return "Describe the results in plain prose."

    def extract(self, pdf):
        prompt = self.prompt()
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=2048,  # TB501
                                   messages=[{"role": "user", "content": [
                                       {"type": "text", "text": prompt},
                                       {"type": "document", "source": {"type": "base64", "data": pdf}}]}])
        return r.content[0].text

    def describe(self, pdf):
        prompt = self.loose_prompt()  # one path asks for prose: no verdict
        r = client.messages.create(model="claude-sonnet-5-5", max_tokens=2048,
                                   messages=[{"role": "user", "content": [
                                       {"type": "text", "text": prompt},
                                       {"type": "document", "source": {"type": "base64", "data": pdf}}]}])
        return r.content[0].text
