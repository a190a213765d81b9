"""Saving and restoring a run as plain data (format ``dealmodel.run/1``)."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from dealmodel.engine.ledger import Allegation
from dealmodel.engine.records import LogEntry, record_from_dict, record_to_dict
from dealmodel.io.deals import deal_from_dict, deal_to_dict
from dealmodel.io.events import event_from_dict, event_to_dict
from dealmodel.model.deal import Deal

if TYPE_CHECKING:
    from dealmodel.engine.run import Run


def run_to_dict(self: Run, include_deal: bool = True) -> dict[str, Any]:
    """Everything needed to restore this run exactly (see :meth:`from_dict`)."""
    data: dict[str, Any] = {
        "format": "dealmodel.run/2",
        "deal_id": self.deal.id,
        "state": self.state, "day": self.day, "phase_index": self.phase_index,
        "phase_entered": self.phase_entered, "phase_end": self.phase_end,
        "extended_days": self.extended_days, "suspended_from": self.suspended_from,
        "suspended_by": self.suspended_by, "expiry_deferred": self.expiry_deferred,
        "negotiating": sorted(self.negotiating), "agreed": sorted(self.agreed),
        "ledger": [e.to_dict() for e in self.ledger.values()],
        "log": [{"event": event_to_dict(e.event),
                 "records": [record_to_dict(r) for r in e.records]}
                for e in self.log],
        "history": [list(h) for h in self.history],
        "allegations": [a.to_dict() for a in self.allegations],
        "deadlines": [list(d) for d in sorted(self._deadlines)],
        "seq": self._seq,
    }
    if include_deal:
        data["deal"] = deal_to_dict(self.deal)
    return data

def load_run(cls: type[Run], data: dict[str, Any], deal: Deal | None = None) -> Run:
    """Restore a run saved by :meth:`to_dict`; the restored run continues identically."""
    if deal is None:
        deal = deal_from_dict(data["deal"], source="saved run")
    run = cls(deal)
    run.state = data["state"]
    run.day = data["day"]
    run.phase_index = data["phase_index"]
    run.phase_entered = data["phase_entered"]
    run.phase_end = data["phase_end"]
    run.extended_days = data["extended_days"]
    run.suspended_from = data["suspended_from"]
    run.suspended_by = data["suspended_by"]
    run.expiry_deferred = data["expiry_deferred"]
    run.negotiating = set(data["negotiating"])
    run.agreed = set(data["agreed"])
    for item in data["ledger"]:
        run._writable(run.ledger[item["id"]]).load(item)
    run.log = []
    for item in data["log"]:
        event, problems = event_from_dict(item["event"])
        if event is None:
            raise ValueError(f"saved run has a bad event: {problems[0]}")
        run.log.append(LogEntry(event, [record_from_dict(r) for r in item["records"]]))
    run.history = [(s, d) for s, d in data["history"]]
    run.allegations = [Allegation.from_dict(a) for a in data["allegations"]]
    run._deadlines = [(d, k, s, r) for d, k, s, r in data["deadlines"]]
    heapq.heapify(run._deadlines)
    run._seq = data["seq"]
    return run

