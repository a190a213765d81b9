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

#: Plain values saved as they are (the rest need converting).
_SAVED = ("state", "day", "phase_index", "phase_entered", "phase_end", "extended_days",
          "suspended_from", "suspended_by", "expiry_deferred", "renewals", "_seq")


def run_to_dict(self: Run, include_deal: bool = True) -> dict[str, Any]:
    """Everything needed to restore this run exactly (see :meth:`from_dict`)."""
    data: dict[str, Any] = {
        "format": "dealmodel.run/2",
        "deal_id": self.deal.id,
        **{name.lstrip("_"): getattr(self, name) for name in _SAVED},
        "renewal_objected": list(self.renewal_objected),
        "termination": None if self.termination is None else [self.termination[0],
                                                              list(self.termination[1])],
        "end": None if self.end is None else record_to_dict(self.end),
        "negotiating": sorted(self.negotiating), "agreed": sorted(self.agreed),
        "ledger": [e.to_dict() for e in self.ledger.values()],
        "log": [{"event": event_to_dict(e.event),
                 "records": [record_to_dict(r) for r in e.records]}
                for e in self.log],
        "history": [list(h) for h in self.history],
        "allegations": [a.to_dict() for a in self.allegations],
        "deadlines": [list(d) for d in sorted(self._deadlines)],
    }
    if include_deal:
        data["deal"] = deal_to_dict(self.deal)
    return data

def load_run(cls: type[Run], data: dict[str, Any], deal: Deal | None = None) -> Run:
    """Restore a run saved by :meth:`to_dict`; the restored run continues identically."""
    if deal is None:
        deal = deal_from_dict(data["deal"], source="saved run")
    run = cls(deal)
    for name in _SAVED:
        setattr(run, name, data[name.lstrip("_")])
    run.renewal_objected = tuple(data["renewal_objected"])
    termination = data["termination"]
    run.termination = None if termination is None else (termination[0],
                                                        tuple(termination[1]))
    end = data["end"]
    run.end = None if end is None else record_from_dict(end)  # type: ignore[assignment]
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
    return run

