"""The agent's system prompt: long and the same on every turn."""

POLICY = "You are the coding agent of this repository. Follow every rule of the handbook below. " * 150
