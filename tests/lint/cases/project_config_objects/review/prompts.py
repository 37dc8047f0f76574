"""The reviewer's rubric: a long static system prompt, written once."""
RUBRIC = "You review pull requests for a payments team. Check every change against the rubric below. " * 60
