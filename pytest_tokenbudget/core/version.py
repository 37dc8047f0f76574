"""The installed version, one place for the CLI, caches, reports and SARIF to read it from.

The version is set once, at build time, from the git tag (setuptools-scm: ``v0.1.0`` -> ``0.1.0``,
a commit after it -> ``0.1.1.devN+g<sha>``) and read here from the installed distribution's
metadata, so it is never written down twice. Imported from a source tree that is not installed,
the package reports ``0.0.0`` (the same fallback the build uses without git metadata).
"""

from __future__ import annotations

from importlib.metadata import distributions

__all__ = ["__version__", "DISTRIBUTION", "FALLBACK_VERSION"]

DISTRIBUTION = "pytest-tokenbudget"
FALLBACK_VERSION = "0.0.0"


def _installed_version() -> str:
    """The version pip (or another installer) installed, found on sys.path.

    An installer leaves an INSTALLER file in the metadata; `python -m build` leaves an
    ``pytest_tokenbudget.egg-info`` without one in the source tree, which shadows the installed
    metadata whenever the tree is the current directory. That one is only used when nothing was
    installed, so two processes of one install never disagree on the version (it names the lint
    cache's folder).
    """
    found = list(distributions(name=DISTRIBUTION))
    installed = [d for d in found if d.read_text("INSTALLER") is not None] or found
    return installed[0].version if installed else FALLBACK_VERSION


__version__: str = _installed_version()
