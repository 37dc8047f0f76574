"""pytest-tokenbudget's child-process bootstrap (the way coverage.py measures subprocesses).

This directory is put on ``PYTHONPATH`` by the plugin, only while it is active, together with
``PYTEST_TOKENBUDGET_CHILD``. A Python child started from a test (``subprocess.run([sys.executable,
…])``, multiprocessing spawn / forkserver) then imports this module at startup and joins the run:
it installs the capture and records into the run's shared ledger. Without the environment variable
it does nothing. Any ``sitecustomize`` this one shadows still runs, after it.
"""

import os
import sys


def _chain() -> None:
    """Run the ``sitecustomize`` this module shadows (a distribution's, a virtualenv's), if any."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        from importlib.machinery import PathFinder
        spec = PathFinder.find_spec("sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != here])
        if spec is not None and spec.loader is not None and spec.origin != __file__:
            import importlib.util
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
    except Exception as exc:  # like site.py: report, never stop the interpreter
        sys.stderr.write(f"pytest-tokenbudget: the shadowed sitecustomize failed: {exc!r}\n")


if os.environ.get("PYTEST_TOKENBUDGET_CHILD"):
    try:
        from pytest_tokenbudget.plugin.children import bootstrap
    except ImportError:  # another interpreter, without the plugin: nothing to join
        bootstrap = None
    try:
        if bootstrap is not None:
            bootstrap()
    except Exception as exc:  # the child runs unmeasured; say so (its spend is missing from the run)
        sys.stderr.write(f"pytest-tokenbudget: this child process is not measured: {exc!r}\n")
_chain()
