"""pytest-xdist: the controller gathers the workers' per-test entries and their late figures;
each worker marks itself in the run's shared session ledger."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_tokenbudget.plugin.ledger.ledger import Entry
from pytest_tokenbudget.plugin.state import SHARED_KEY, RunState

ERRORS_KEY = "tokenbudget_errors"  # config.workeroutput key: a worker's plugin errors, as strings
LATE_KEY = "tokenbudget_late"  # config.workeroutput key: entries recorded after their test's report
STOP_PREFIX = "token budget: session"  # session.shouldfail text when the session budget stops a run


def is_controller(config: pytest.Config) -> bool:
    return getattr(config.option, "dist", "no") not in ("no", None) and not hasattr(config, "workerinput")


class XdistController:
    """Registered on the pytest-xdist controller only: gathers the workers' per-test entries."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, "token_budget", None)
        if data is None or report.when != "teardown":
            return
        st = self.state
        try:
            if not st.active:
                st.activate()
            if st.run is not None:
                st.run.reported.add(report.nodeid)
            st.ledger.absorb(Entry.from_json(e) for e in data.get("entries", ()))
        except Exception as exc:
            st.internal(f"reading the figures of {report.nodeid} from a worker (its spend is missing from the "
                        "totals)", exc)


    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        run = self.state.run
        if run is not None and hasattr(run, "workerinput"):  # a store run (PostgreSQL)
            node.workerinput.update(run.workerinput())
        elif run is not None:
            node.workerinput[SHARED_KEY] = run.path

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        run = self.state.run
        worker = getattr(getattr(node, "gateway", None), "id", None) or "?"
        if error is not None and run is None:  # no shared ledger: say so all the same
            self.state.notes.append(f"figures incomplete: worker {worker} crashed")
        elif run is not None:
            run.node_down(worker, error)
        output = getattr(node, "workeroutput", None) or {}  # missing or partial after a crash
        late = output.get(LATE_KEY)
        if late:  # calls that ended after their test's report (streams left open): not in any report
            try:
                if not self.state.active:
                    self.state.activate()
                self.state.ledger.absorb(Entry.from_json(e) for e in late)
            except Exception as exc:
                self.state.internal(f"reading late figures from worker {worker} (their spend is missing from the "
                                    "totals)", exc)
        for err in output.get(ERRORS_KEY, ()):  # a worker's plugin errors fail the run as they would serially
            self.state.internal_errors.append(f"worker {worker}: {err}")

    def pytest_keyboard_interrupt(self, excinfo: Any) -> None:
        # xdist turns a worker's session.shouldfail into Interrupted (exit 2); serial runs exit 1
        if str(excinfo.value).startswith(STOP_PREFIX):
            self.state.stopped_by_budget = True


def finish_shared(st: RunState) -> None:
    """xdist: a worker marks itself finished; the controller recovers what reports did not carry."""
    try:
        workeroutput = getattr(st.config, "workeroutput", None)
        if workeroutput is not None:  # a worker prints nothing: its plugin errors go to the controller
            workeroutput[ERRORS_KEY] = [str(e) for e in st.internal_errors + st.ledger.internal_errors
                                         + getattr(st.ledger.session, "errors", [])]
        if st.shared is not None:
            st.shared.worker_finished()
        if st.run is not None:
            st.notes += st.run.finish(lambda entries: st.ledger.absorb(Entry.from_json(e) for e in entries))
    except Exception as exc:
        st.internal("closing the shared session ledger", exc)
