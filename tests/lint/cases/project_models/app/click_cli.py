"""Models chosen by click and typer options: a command receives the option's default as its
parameter unless the user passes one, and hands it on."""
import anthropic
import click
import typer

client = anthropic.Anthropic()
app = typer.Typer()


class Summarizer:
    def __init__(self, key, model):
        self.key = key
        self.model = model

    def summarize(self, text):
        return client.messages.create(model=self.model, max_tokens=400,  # TB302
                                      messages=[{"role": "user", "content": f"Summarise: {text}"}])


def _summarize(text, model):
    return Summarizer("key", model).summarize(text)


@click.command()
@click.option("--days", "-d", default=7, type=int)
@click.option("--model", "-m", default="claude-3-7-sonnet-latest", help="the Claude model")
def summarize(days, model):
    _summarize(f"the last {days} days", model)


def translate(text, model):
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": f"Translate: {text}"}])


@app.command()
def translate_command(text: str, model: str = typer.Option("claude-3-5-haiku-20241022", help="the Claude model")):
    translate(text, model)


def label(text, model):
    return client.messages.create(model=model, max_tokens=400,  # a required option: the user always picks
                                  messages=[{"role": "user", "content": f"Label: {text}"}])


@click.command()
@click.option("--model", required=True, default="claude-3-haiku-20240307")
def label_command(model):
    label("x", model)


def tag(text, model):
    return client.messages.create(model=model, max_tokens=400,  # the option's default is current
                                  messages=[{"role": "user", "content": f"Tag: {text}"}])


@click.command()
@click.option("--llm", "model", default="claude-sonnet-5-5")
def tag_command(model):
    tag("x", model)
