"""The version comes from the installed metadata (set from the git tag at build time), one value per install."""

from __future__ import annotations

import subprocess
import sys

from packaging.version import Version

from pytest_tokenbudget import __version__
from pytest_tokenbudget.core.version import DISTRIBUTION


def _version_in(cwd) -> str:
    proc = subprocess.run([sys.executable, "-c", "import pytest_tokenbudget as p; print(p.__version__)"], cwd=cwd,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_version_is_the_installed_distributions(tmp_path):
    from importlib.metadata import distributions

    installed = [d.version for d in distributions(name=DISTRIBUTION) if d.read_text("INSTALLER") is not None]
    assert installed and __version__ == installed[0]
    assert str(Version(__version__)) == __version__  # a normalised PEP 440 version
    cli = subprocess.run([sys.executable, "-m", "pytest_tokenbudget", "--version"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert cli.stdout.strip() == f"tokenbudget {__version__}"


def test_a_build_leftover_egg_info_in_the_current_directory_does_not_change_it(tmp_path):
    # `python -m build` leaves pytest_tokenbudget.egg-info in the source tree, first on sys.path
    # for `python -c` run there; the lint cache's folder is named by the version, so every process
    # of one install must read the same one.
    leftover = tmp_path / "pytest_tokenbudget.egg-info"
    leftover.mkdir()
    (leftover / "PKG-INFO").write_text(f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: 9.9.9\n")
    assert _version_in(tmp_path) == __version__ != "9.9.9"
