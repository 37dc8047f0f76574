"""A prompt and a model picked by the same test: the rules judge the pairs that are sent (after
101WaysToBug/auto-qa-grader, whose long rubric goes to Haiku 4.5 and its short one to Sonnet)."""

import anthropic

client = anthropic.Anthropic()

# ~1,300 tokens: above Sonnet's 1,024-token cache minimum, below Haiku 4.5's 4,096
CHECKLIST_RUBRIC = "Grade each checklist item from the transcript and explain the evidence for every grade. " * 80
# ~600 tokens: below every model's minimum
SCALE_RUBRIC = "Rate each item on the scale from the transcript, with the evidence. " * 50


def grade(kind, transcript):
    # the long rubric goes to Haiku 4.5, the short one to Sonnet: neither pair can be cached
    system = CHECKLIST_RUBRIC if kind == "checklist" else SCALE_RUBRIC
    model = "claude-haiku-4-5" if kind == "checklist" else "claude-sonnet-4-5"
    return client.messages.create(model=model, max_tokens=2048, system=system,
                                  messages=[{"role": "user", "content": transcript}])


def grade_swapped(kind, transcript):
    # the long rubric goes to Sonnet: that pair is worth caching
    system = CHECKLIST_RUBRIC if kind == "checklist" else SCALE_RUBRIC
    model = "claude-sonnet-4-5" if kind == "checklist" else "claude-haiku-4-5"
    return client.messages.create(model=model, max_tokens=2048, system=system,  # TB101
                                  messages=[{"role": "user", "content": transcript}])
