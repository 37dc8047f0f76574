"""The installed version, one place for the CLI, caches, reports and SARIF to read it from."""

from __future__ import annotations

__version__ = "0.1.0"
