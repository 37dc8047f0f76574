"""Message Batches in the ledger: the create call reserves, the results are charged.

- ``batches.create`` (``POST …/messages/batches``) is checked and reserved at its worst case
  (every request at ``max_tokens``, at the batch price: :meth:`Preflight._batch`); the create call
  itself costs nothing. When it succeeds the reservation stays held under the batch id, so later
  calls of the run see the batch in flight; a failed create gives it back.
- Retrieving the results (``GET …/messages/batches/{id}/results``) charges each *succeeded*
  request, priced from its own usage at the batch rate, to the test that retrieves them (an
  entry each, flagged ``batch``); errored, canceled and expired requests are not billed. A request
  already charged (results read twice, or a read cut short and resumed) is charged once. When the
  results were read to their end, the create's reservation is released.
- A batch created in one process and retrieved in another (another xdist worker) keeps its
  reservation in the creating process until the session ends; its results are still charged.
"""

from __future__ import annotations

from typing import Any

from pytest_tokenbudget.core.catalog import CatalogError, UnknownModelError
from pytest_tokenbudget.core.cost import Cost, PricingError, price
from pytest_tokenbudget.core.usage import MalformedUsageError, Usage, usage_from_response
from pytest_tokenbudget.plugin.capture.types import CallRecord, CallRequest
from pytest_tokenbudget.plugin.ledger.amounts import _ZERO, Amounts
from pytest_tokenbudget.plugin.ledger.entries import Entry

__all__ = ["BATCH_ENDPOINTS", "BatchLedger"]

BATCH_ENDPOINTS = frozenset({"batches", "batch_results"})


class BatchLedger:
    """Mixin of :class:`~.ledger.Ledger` (which provides ``catalog``, ``_lock``, ``_make_entry``,
    ``_store``, ``_notify`` and ``active_budgets``)."""

    catalog: Any
    _lock: Any

    def _batch_state(self) -> tuple[dict[str, tuple[tuple, Amounts]], dict[str, set]]:
        try:
            return self._tb_pending_batches, self._tb_batch_seen  # type: ignore[has-type]
        except AttributeError:
            self._tb_pending_batches: dict[str, tuple[tuple, Amounts]] = {}
            self._tb_batch_seen: dict[str, set] = {}
            return self._tb_pending_batches, self._tb_batch_seen

    def pending_batches(self) -> dict[str, Amounts]:
        """Batches created in this process whose results were not read to their end: id -> reserved."""
        with self._lock:
            return {k: v[1] for k, v in self._batch_state()[0].items()}

    def _on_batch(self, res: Any, nodeid: str | None, phase: str | None, record: CallRecord) -> Entry:
        ok = record.status is not None and 200 <= record.status < 300
        info = record.batch or {}
        budgets = res.budgets if res is not None else self.active_budgets(nodeid)  # type: ignore[attr-defined]
        reserved = res.reserved if res is not None else Amounts()
        entry = self._make_entry(nodeid, phase, record.request, status=record.status,  # type: ignore[attr-defined]
                                 response_model=None, usage=None, raw_usage=None, cost=None, unpriced=None,
                                 usage_unknown=False, complete=record.complete, streamed=False,
                                 live=record.live, duration_s=record.duration_s, error=record.error,
                                 refused=False, charged=Amounts(), worst=res.worst if res is not None else None,
                                 batch=True)
        results: list[Entry] = []
        with self._lock:
            pending, seen = self._batch_state()
            batch_id = info.get("id") if ok else None
            if record.request.endpoint == "batches" and batch_id and res is not None:
                keep = Amounts()  # the reservation stays held until the results are read
                pending[batch_id] = (budgets, reserved)
            else:
                keep = reserved
            for b in budgets:
                b.settle(keep, Amounts(), entry)
            self._store(entry, ())  # type: ignore[attr-defined]
            if record.request.endpoint == "batch_results" and batch_id:
                done = seen.setdefault(batch_id, set())
                for i, (custom_id, model, raw) in enumerate(info.get("results") or ()):
                    key = custom_id if custom_id is not None else i
                    if key in done:
                        continue
                    done.add(key)
                    e = self._result_entry(nodeid, phase, record, model, raw)
                    for b in budgets:
                        b.settle(Amounts(), e.charged, e)
                    self._store(e, ())  # type: ignore[attr-defined]
                    results.append(e)
                if record.complete and batch_id in pending:
                    held_by, held = pending.pop(batch_id)
                    for b in held_by:
                        b.release(held)
        for e in (entry, *results):
            self._notify(e)  # type: ignore[attr-defined]
        return entry

    def _result_entry(self, nodeid: str | None, phase: str | None, record: CallRecord, model: str | None,
                      raw: Any) -> Entry:
        """One succeeded request of a batch: priced from its usage at the batch rate."""
        usage: Usage | None = None
        error = None
        if raw is not None:
            try:
                usage = usage_from_response(raw)
            except MalformedUsageError as exc:
                error = f"usage could not be read: {exc}"
        cost, unpriced = self._batch_price(model, usage) if usage is not None else (None, None)
        charged = Amounts(calls=1) if usage is None else Amounts(
            usd=cost.total_usd if cost is not None else _ZERO, input_tokens=usage.prompt_tokens,
            output_tokens=usage.output_tokens, calls=1)
        request = CallRequest(api=record.request.api, endpoint="messages", url=record.request.url, model=model,
                              max_tokens=None, stream=False, attempt=None)
        return self._make_entry(nodeid, phase, request, status=record.status, response_model=model,  # type: ignore[attr-defined]
                                usage=usage, raw_usage=raw, cost=cost, unpriced=unpriced,
                                usage_unknown=usage is None, complete=True, streamed=False, live=record.live,
                                duration_s=0.0, error=error, refused=False, charged=charged, worst=None, batch=True)

    def _batch_price(self, model: str | None, usage: Usage) -> tuple[Cost | None, str | None]:
        if not model:
            return None, "the batch result names no model, so it cannot be priced"
        try:
            return price(model, usage, batch=True, catalog=self.catalog), None
        except UnknownModelError as exc:
            return None, str(exc)
        except (PricingError, CatalogError) as exc:
            return None, f"{model}: {exc}"
