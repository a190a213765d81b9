"""Saving and restoring a run as plain data (format ``dealmodel.run/2``).

:func:`load_run` checks what it is given before it builds anything: the format, every
field's presence and type, and that the names it holds (state, obligations) belong to the
deal. Whatever is still inconsistent is reported as :class:`~dealmodel.errors.InputError`
("__HEADER__"), never as a raw ``KeyError`` or ``ValueError``.
"""

from __future__ import annotations

import heapq
import json
from typing import TYPE_CHECKING, Any

from dealmodel.engine.ledger import Allegation
from dealmodel.engine.record_data import record_from_dict, record_to_dict
from dealmodel.engine.records import LogEntry, OnRecord
from dealmodel.errors import DealDefinitionError, InputError, Problem, short
from dealmodel.io.deals import deal_from_dict, deal_to_dict
from dealmodel.io.events import event_from_dict, event_to_dict
from dealmodel.io.reader import MISSING, Reader
from dealmodel.model.deal import Deal

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

FORMAT = "dealmodel.run/2"
_HEADER = "invalid saved run"
#: Plain values saved as they are (the rest need converting).
_SAVED = ("state", "day", "phase_index", "phase_entered", "phase_end", "extended_days",
          "suspended_from", "suspended_by", "expiry_deferred", "renewals", "_seq")
#: field -> (type(s), may be null), checked before anything is restored
_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "state": (str, False), "day": (int, False), "phase_index": (int, False),
    "phase_entered": (int, False), "phase_end": (int, True), "extended_days": (int, False),
    "suspended_from": (str, True), "suspended_by": (str, True),
    "expiry_deferred": (bool, False), "renewals": (int, False), "seq": (int, False),
    "renewal_objected": (list, False), "termination": (list, True), "end": (dict, True),
    "negotiating": (list, False), "agreed": (list, False), "ledger": (list, False),
    "log": (list, False), "history": (list, False), "allegations": (list, False),
    "deadlines": (list, False),
}


def run_to_dict(self: Run, include_deal: bool = True) -> dict[str, Any]:
    """Everything needed to restore this run exactly (see :meth:`from_dict`)."""
    data: dict[str, Any] = {
        "format": FORMAT,
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

def _checked(data: object, deal: Deal | None) -> Deal:
    """The run's deal, once the document's shape is right; raises InputError otherwise."""
    reader = Reader()
    m = reader.mapping(data, "", (*_FIELDS, "format", "deal_id", "deal"))
    if m is None:
        raise InputError(reader.problems, header=_HEADER)
    if m.get("format") != FORMAT:
        raise InputError([Problem("format", f"must be {FORMAT!r}, got {short(m.get('format'))}",
                                  "save the run again with this version of dealmodel")],
                         header=_HEADER)
    for name, (kind, nullable) in _FIELDS.items():
        reader.field(m, name, "", kind, None if nullable else MISSING)
    if deal is None:
        if not isinstance(m.get("deal"), dict):
            reader.problem("deal", "is required when no deal is given",
                           "save with include_deal=True, or pass the deal: "
                           "Run.from_dict(data, deal)")
        else:
            try:
                deal = deal_from_dict(m["deal"], source="saved run")
            except DealDefinitionError as exc:
                reader.problems.extend(p.prefixed("deal") for p in exc.problems)
    if deal is not None and not reader.problems:
        if m["state"] not in deal.states():
            reader.problem("state", f"unknown state {short(m['state'])} of {deal.id}",
                           "known: " + ", ".join(deal.states()))
        if not -1 <= m["phase_index"] < len(deal.phases):
            reader.problem("phase_index", f"must be -1 to {len(deal.phases) - 1} for "
                           f"{deal.id}, got {short(m['phase_index'])}")
        if m["day"] < 0:
            reader.problem("day", f"must be >= 0, got {short(m['day'])}")
        known = {o.id for o in deal.obligations()}
        for i, item in enumerate(m["ledger"]):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) \
                    or item["id"] not in known:
                reader.problem(f"ledger[{i}].id", f"not an obligation of {deal.id}")
    if reader.problems or deal is None:
        raise InputError(reader.problems, header=_HEADER)
    return deal


def parse_json(text: str | bytes, name: str) -> Any:
    """The data of a saved run's JSON text; bad JSON is an ``InputError`` naming ``name``."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        why = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        raise InputError([Problem("", f"not a saved run: {why}",
                                  "give a file written by Run.save")], name) from None


def load_run(cls: type[Run], data: dict[str, Any], deal: Deal | None = None) -> Run:
    """Restore a run saved by :meth:`to_dict`; the restored run continues identically.

    Raises :class:`~dealmodel.errors.InputError` naming the field if ``data`` is not a
    run saved in this format.
    """
    deal = _checked(data, deal)
    try:
        return _load(cls, data, deal)
    except InputError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        # The shape was right but a nested value is not: translate at the boundary.
        raise InputError([Problem("", f"inconsistent content ({type(exc).__name__}: "
                                  f"{short(str(exc))[1:-1]})",
                                  "restore only what Run.to_dict() saved")],
                         header=_HEADER) from None


def _load(cls: type[Run], data: dict[str, Any], deal: Deal) -> Run:
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
            raise InputError([p.prefixed("log[].event") for p in problems], header=_HEADER)
        run.log.append(LogEntry(event, [record_from_dict(r) for r in item["records"]]))
    run.history = [(s, d) for s, d in data["history"]]
    run.allegations = [Allegation.from_dict(a) for a in data["allegations"]]
    run._noted = [r for e in run.log for r in e.records if isinstance(r, OnRecord)]
    run._noted_index = None  # mutate: skip (None already: the run is new, its index unbuilt)
    run._deadlines = [(d, k, s, r) for d, k, s, r in data["deadlines"]]
    heapq.heapify(run._deadlines)
    return run

