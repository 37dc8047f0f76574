"""The installed version, one place for the CLI, caches, reports and SARIF to read it from.

The version is set once, at build time, from the git tag (setuptools-scm: ``v0.1.0`` -> ``0.1.0``,
a commit after it -> ``0.1.1.devN+g<sha>``) and read here from the installed distribution's
metadata, so it is never written down twice. Imported from a source tree that is not installed,
the package reports ``0.0.0`` (the same fallback the build uses without git metadata).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__", "DISTRIBUTION"]

DISTRIBUTION = "pytest-tokenbudget"
FALLBACK_VERSION = "0.0.0"

try:
    __version__: str = version(DISTRIBUTION)
except PackageNotFoundError:  # a source checkout on sys.path without `pip install`
    __version__ = FALLBACK_VERSION
