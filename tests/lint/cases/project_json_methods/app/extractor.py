"""The prompt is built by methods of the caller's class: a chunk header plus one of two extraction
prompts (both ask for JSON), or plus one of two note prompts (only one asks for JSON). Nothing shows
a caller waiting on the chunks (no route, no handler): one independent request per chunk (TB401)."""
import json

import anthropic


class Extractor:
    def __init__(self, markers=None):
        self.client = anthropic.Anthropic()
        self.markers = markers

    def create_extraction_prompt(self):
        if self.markers:
            names = "\n".join(f"- {m}" for m in self.markers)
            return f"""Extract ALL blood test results from the PDF and map them to these markers:
{names}
Return ONLY valid JSON: {{"results": [{{"marker": "...", "value": "..."}}]}}"""
        return """Extract all blood test results from the provided lab report PDF.
Format the output as JSON with this structure: {"results": [{"marker": "...", "value": "..."}]}"""

    def create_chunk_prompt(self, number, total):
        header = f"CHUNK PROCESSING: this is chunk {number} of {total} from the PDF.\n\n"
        return header + self.create_extraction_prompt()

    def create_note_prompt(self, number):
        if self.markers:
            return f"Chunk {number}: list the markers you found as a JSON array of names."
        return f"Chunk {number}: describe in two sentences what kind of report this page comes from."

    def extract_chunks(self, chunks):
        results = []
        for i, chunk in enumerate(chunks, 1):
            results.append(self._extract_chunk(self.create_chunk_prompt(i, len(chunks)), chunk))
            results.append(self._describe_chunk(self.create_note_prompt(i), chunk))
        return results

    def _extract_chunk(self, prompt, pdf_b64):
        response = self.client.messages.create(  # TB401 TB501
            model="claude-sonnet-4-6",
            max_tokens=4096,
            messages=[{"role": "user", "content": [
                {"type": "text", "text": prompt},
                {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": pdf_b64}},
            ]}],
        )
        return json.loads(response.content[0].text)

    def _describe_chunk(self, prompt, pdf_b64):
        response = self.client.messages.create(  # TB401
            model="claude-sonnet-4-6",
            max_tokens=4096,
            messages=[{"role": "user", "content": [
                {"type": "text", "text": prompt},
                {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": pdf_b64}},
            ]}],
        )
        return response.content[0].text
