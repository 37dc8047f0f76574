"""A Streamlit page writes each chapter of a report while its user watches the progress bar."""
import anthropic
import streamlit as st

client = anthropic.Anthropic()


def write_report(chapters, progress):
    written = []
    for i, chapter in enumerate(chapters):  # the user waits on the page for every chapter
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=4000,
                                       messages=[{"role": "user", "content": f"Write the chapter {chapter}"}])
        written.append(reply.content[0].text)
        progress.progress((i + 1) / len(chapters))
    return written


if st.button("Write the report"):
    st.write(write_report(st.multiselect("Chapters", ["Intro", "Money", "Health"]), st.progress(0)))
