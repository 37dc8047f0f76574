"""Stories from Claude; story_run.py keeps this module in a table beside the local one."""
import anthropic

client = anthropic.Anthropic()


def generate(prompt):
    # story_run.generate_all calls model.generate(p) for each prompt on the module the table gave it
    reply = client.messages.create(model="claude-haiku-4-5", max_tokens=800,  # TB401
                                   messages=[{"role": "user", "content": prompt}])
    return reply.content[0].text
