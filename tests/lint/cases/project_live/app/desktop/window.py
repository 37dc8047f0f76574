"""A desktop window: the user loads one contract and waits on the window for every answer (live work,
as in a Streamlit page), so its per-clause loop is not TB401's."""
from PySide6.QtCore import QThread, Signal

from app.services.clauses import check_term, review_clause


class ReviewWorker(QThread):
    done = Signal(list)

    def __init__(self, contract):
        super().__init__()
        self.contract = contract

    def run(self):
        self.done.emit([review_clause(c) for c in self.contract.clauses])
        self.done.emit([check_term(t) for t in self.contract.terms])


class ReportWorker(QThread):
    def __init__(self, paths):
        super().__init__()
        self.paths = paths

    def run(self):
        from app.jobs.report_cli import report_all

        report_all(self.paths)
