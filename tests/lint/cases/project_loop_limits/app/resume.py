"""One resume's named sections rewritten; a folder of documents filtered by language."""

from app.llm import rewrite_section, translate_doc


def optimize(sections):
    out = {}
    for section_name, section_content in sections.items():
        if section_name.lower() in ["experience", "skills", "projects"]:
            out[section_name] = rewrite_section(section_content)
        else:
            out[section_name] = section_content
    return out


def translate_all(docs):
    return [translate_doc(doc.text) for doc in docs if doc.lang in ("fr", "de")]


def translate_each(docs):
    for doc in docs:
        if doc.lang in ("fr", "de"):  # a field of each document: many documents pass
            translate_doc(doc.text)
