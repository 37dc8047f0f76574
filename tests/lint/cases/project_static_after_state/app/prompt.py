"""The assistant's system prompt: a short intro, the per-call project state, then a long static guide
(with literal JSON braces escaped for str.format)."""

GUIDE = "- Check the dataset's modality config `{{\"state\": {{}}, \"action\": {{}}}}` before training.\n" * 120

STATE_FIRST_TEMPLATE = "You are the studio assistant.\n\n## Current Project State\n{project_context}\n\n## Guide\n" + GUIDE

GUIDE_FIRST_TEMPLATE = "You are the studio assistant.\n\n## Guide\n" + GUIDE + "\n## Current Project State\n{project_context}\n"


def build_system_prompt(project_context=""):
    if not project_context:
        project_context = "No project currently selected."
    return STATE_FIRST_TEMPLATE.format(project_context=project_context)


def build_guide_first_prompt(project_context):
    return GUIDE_FIRST_TEMPLATE.format(project_context=project_context)
