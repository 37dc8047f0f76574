"""A Streamlit page: the model is one of a picker's options, so a model rule fires only when it
holds for every option the user can pick."""
import anthropic
import streamlit as st

client = anthropic.Anthropic()


def summarize(text, model):
    return client.messages.create(model=model, max_tokens=400,  # TB302
                                  messages=[{"role": "user", "content": f"Summarise: {text}"}])


def translate(text, model):
    return client.messages.create(model=model, max_tokens=400,  # one option is current
                                  messages=[{"role": "user", "content": f"Translate: {text}"}])


text = st.text_area("Text")
with st.sidebar:
    old_model = st.selectbox("Model", options=["claude-3-5-sonnet-20241022", "claude-3-opus-20240229"], index=0)
if st.button("Summarise"):
    st.write(summarize(text, old_model))
new_model = st.sidebar.radio("Model", ["claude-3-haiku-20240307", "claude-sonnet-5-5"])
if st.button("Translate"):
    st.write(translate(text, new_model))
