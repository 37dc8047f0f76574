"""The package re-exports its runners: callers import them from here, not from labeling.service."""

from labeling.clients import AiClient, ask, ask_once, summarize
from labeling.service import check_one, label_rows, map_docs, run_all

__all__ = ["AiClient", "ask", "ask_once", "check_one", "label_rows", "map_docs", "run_all", "summarize"]
