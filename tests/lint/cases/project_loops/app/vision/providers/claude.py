"""The Claude provider: one request per image."""
import anthropic

from app.vision.providers.base import VisionProvider


class ClaudeProvider(VisionProvider):
    def infer(self, image_path, prompt):
        return anthropic.Anthropic().messages.create(  # TB401
            model=self.model or "claude-sonnet-5-5", max_tokens=800,
            messages=[{"role": "user", "content": [{"type": "text", "text": prompt},
                                                   {"type": "text", "text": open(image_path).read()}]}])
