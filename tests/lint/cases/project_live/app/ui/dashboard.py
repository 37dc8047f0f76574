"""A Streamlit page: the user uploads documents and waits for the answers on the page."""
import streamlit as st

from app.pipeline import run_pipeline
from app.services.summaries import summarise_docs

uploads = st.file_uploader("Documents", accept_multiple_files=True)
if uploads and st.button("Extract"):
    st.write(run_pipeline([u.name for u in uploads]))
if uploads and st.button("Summarise"):
    st.write(summarise_docs([u.read().decode() for u in uploads]))
