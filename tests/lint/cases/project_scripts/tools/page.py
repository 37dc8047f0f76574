"""A Streamlit page runs its module code again on every interaction: one call there repeats."""
from pathlib import Path

import anthropic
import streamlit as st

client = anthropic.Anthropic()
CONTEXT = (Path(__file__).parent / "context.md").read_text()


def advise(task):
    return client.messages.create(
        model="claude-sonnet-4-6", max_tokens=2000, system=CONTEXT,  # TB101
        messages=[{"role": "user", "content": task}])


st.write(advise(st.text_input("Task")))
