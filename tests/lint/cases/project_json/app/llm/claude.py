"""Claude wrappers whose prompts come from elsewhere."""
import anthropic

client = anthropic.Anthropic()


def call_claude(prompt, max_tokens=300):
    # only the router's clarify / email branch reaches this: no caller of that branch asks for JSON
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=max_tokens,
                               messages=[{"role": "user", "content": prompt}])
    return r.content[0].text


def call_claude_json(prompt, max_tokens=300):
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=max_tokens,  # TB501
                               messages=[{"role": "user", "content": prompt}])
    return r.content[0].text


def generate_story(prompt):
    # the persona goes to system, the rest to the user turn: the caller's JSON ask is still sent
    parts = prompt.split("\n\nHere is the data", 1)
    system = parts[0].strip()
    user = "Here is the data" + parts[1].strip()
    r = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, system=system,  # TB501
                               messages=[{"role": "user", "content": user}])
    return r.content[0].text


def chat(messages, max_tokens=512):
    # OpenAI-style message lists: the system turn moves to system=; callers send plain prose
    system = None
    rest = []
    for m in messages:
        if m["role"] == "system":
            system = m["content"]
        else:
            rest.append({"role": m["role"], "content": m["content"]})
    kwargs = {"model": "claude-sonnet-5-5", "max_tokens": max_tokens, "messages": rest}
    if system:
        kwargs["system"] = system
    r = client.messages.create(**kwargs)
    return r.content[0].text
