"""A chat loop handed the registry as a plain parameter: the one class defining its methods is it."""
import anthropic

client = anthropic.Anthropic()


def build_tools(registry):
    return [{"name": n, "description": n, "input_schema": {"type": "object"}} for n in registry.tool_names()]


def review(registry, question):  # the ~900-token prompt and the tool-use prompt the API adds for the tools
    system = registry.review_prompt()
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, system=system,  # TB101
                                  tools=build_tools(registry), messages=[{"role": "user", "content": question}])


def review_without_tools(registry, question):  # the same prompt alone is below Sonnet 4.5's 1,024
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, system=registry.review_prompt(),
                                  messages=[{"role": "user", "content": question}])


def described(thing, question):  # describe() is two classes' method: nothing to say
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, system=thing.describe(),
                                  messages=[{"role": "user", "content": question}])


def review_maybe_tools(registry, question, tools):  # the tools may not be sent: their tool-use prompt is not sure
    return client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, system=registry.review_prompt(),
                                  tools=tools if tools else anthropic.NOT_GIVEN,
                                  messages=[{"role": "user", "content": question}])
