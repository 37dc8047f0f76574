"""The per-call project state: every branch interpolates live data."""


def build_project_context(store, project_id, current_page=None):
    if project_id is None:
        return f"**Current Page**: {current_page}\n\nNo project selected. Projects: {store.names()}"
    project = store.get(project_id)
    if project is None:
        return f"Project {project_id} not found."
    return f"**Current Page**: {current_page}\n\n**Active Project**: {project.name} (GPU: {store.gpu()})"
