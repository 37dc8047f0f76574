"""A client factory that returns AnthropicBedrock when AWS credentials are set, else the Claude API
client. A caller in digest.py that sends a Bedrock id runs the Bedrock branch; one that sends a
Claude API id runs the other."""
import os

import anthropic


def make_client(config: dict) -> anthropic.Anthropic:
    if os.environ.get("AWS_ACCESS_KEY_ID"):
        from anthropic import AnthropicBedrock

        return AnthropicBedrock(aws_region=os.environ.get("AWS_REGION", "us-west-2"))
    return anthropic.Anthropic(timeout=config.get("timeout", 300))
