from .routed import get_router


def extract(pages):
    router = get_router()
    entries = []
    for page in pages:  # one request per page, kept for the import: a batch
        entries.append(router.ask(f"List the products on this page:\n{page}"))
    return entries
