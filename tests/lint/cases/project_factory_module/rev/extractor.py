"""An extractor that keeps the adapter a factory class made: it names neither the adapter class nor
its module, and loops over the chunks of a document in another method."""

from .adapters.registry import AdapterRegistry


class ChunkExtractor:
    def __init__(self, provider=None):
        self.adapter = AdapterRegistry.create(provider)

    def extract_one(self, chunk):
        return self.adapter.extract(chunk)

    def extract_all(self, chunks):
        results = []
        for chunk in chunks:  # one independent extraction per chunk: a batch
            results.append(self.extract_one(chunk))
        return results
