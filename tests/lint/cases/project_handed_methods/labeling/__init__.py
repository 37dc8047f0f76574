"""The package re-exports its runners: callers import them from here, not from labeling.service."""

from labeling.clients import AiClient, summarize
from labeling.service import check_one, label_rows, map_docs

__all__ = ["AiClient", "check_one", "label_rows", "map_docs", "summarize"]
