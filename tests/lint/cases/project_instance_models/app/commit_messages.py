"""A generator whose model the command line overwrites on the instance (commit_cli.py)."""
import anthropic


class CommitMessageGenerator:
    def __init__(self):
        self.client = anthropic.Anthropic()
        self.model = "claude-3-5-haiku-20241022"  # the fallback: the CLI always sets its --model

    def generate(self, diff):
        return self.client.messages.create(model=self.model, max_tokens=300,
                                           messages=[{"role": "user", "content": f"Commit message for:\n{diff}"}])


class ReleaseNotes:
    def __init__(self):
        self.client = anthropic.Anthropic()
        self.model = "claude-3-5-haiku-20241022"  # nothing sets it from outside

    def write(self, log):
        return self.client.messages.create(model=self.model, max_tokens=800,  # TB302
                                           messages=[{"role": "user", "content": f"Release notes for:\n{log}"}])
