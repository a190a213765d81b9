"""The JSON document of a run's obligations and events (``dealmodel run --json``), one
obligation or event at a time; :meth:`Outcome.to_dict` assembles them.

Everything here is read from the run's typed records; nothing is parsed back from text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealmodel.engine.record_data import record_to_dict
from dealmodel.engine.record_handlers import on_record, reported_total
from dealmodel.engine.records import (
    AfterEnd,
    OnRecord,
    PhaseExtended,
    TermRenewed,
    Withholding,
    WithholdingReleased,
)
from dealmodel.engine.score import score
from dealmodel.model.events import PhaseEnded, own_fields
from dealmodel.model.obligations import ObligationKind

if TYPE_CHECKING:
    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run
    from dealmodel.model.deal import Deal
    from dealmodel.model.events import Event
    from dealmodel.scenarios.outcome import EventOutcome

__all__ = ["EVENT_KEYS", "event_document", "event_fields", "indicator_documents", "iso",
           "obligation_document", "on_record_documents", "phase_terms", "surplus",
           "withholdings"]

#: The keys of an event's JSON document besides the event's own fields (which are
#: added under their own names: a suspension's ``reason`` is not the refusal's).
EVENT_KEYS = ("day", "date", "type", "accepted", "refusal", "description", "records",
              "source", "note", "hypothetical", "disputed")


def iso(deal: Deal, day: int | None) -> str | None:
    """The ISO date of deal day ``day``, where the deal has an ``in_force`` date (None
    beyond the calendar's range: a day after the year 9999 has no date)."""
    try:
        date = deal.date_of(day) if day is not None and day >= 1 else None
    except OverflowError:
        return None
    return date.isoformat() if date is not None else None


def withholdings(entry: LedgerEntry) -> list[dict[str, Any]]:
    """Each time the entry was withheld: by whom, from and until which day, on what
    condition, and how much (``until`` is None while it is still withheld)."""
    out: list[dict[str, Any]] = []
    for r in entry.history:
        if isinstance(r, Withholding):
            out.append({"by": r.by, "from": r.day, "until": None, "condition": r.condition,
                        "quantity": r.quantity})
        elif isinstance(r, WithholdingReleased) and out and out[-1]["until"] is None:
            out[-1]["until"] = r.day
    return out


def surplus(run: Run, entry: LedgerEntry) -> int | None:
    """How much more than is owed was delivered (None for standing duties)."""
    if entry.obligation.kind not in (ObligationKind.QUANTITY, ObligationKind.ACT):
        return None
    owed = run.owed(entry)
    return max(0, entry.progress - owed) if owed is not None else 0


def obligation_document(run: Run, entry: LedgerEntry) -> dict[str, Any]:
    """One obligation of the run as JSON-ready data."""
    ob = entry.obligation
    held = withholdings(entry)
    doc: dict[str, Any] = {
        "id": ob.id, "obligor": ob.obligor, "obligors": list(ob.obligors),
        "beneficiaries": list(ob.beneficiaries), "kind": ob.kind.value,
        "status": entry.status.value, "progress": entry.progress,
        "target": run.owed(entry), "cap": entry.target if ob.reciprocal else None,
        "unit": ob.unit or "", "due_day": entry.due_day, "violated_day": entry.violated_day,
        "fulfilled_day": entry.fulfilled_day,
        "performed_by": dict(entry.performed_by),
        "withheld_from": held[-1]["from"] if held else None,
        "withholdings": held,
        "surplus": surplus(run, entry),
        "score": score(run, entry),
        "clause": ob.clause,
        "document": ob.document,
        "renewals": entry.renewals,
        "reported_total": reported_total(run, ob.id),
    }
    if ob.parts:
        doc["parts"] = {part: entry.parts_done.get(part, 0) for part in ob.parts}
    return doc


def event_fields(event: Event) -> dict[str, Any]:
    """The provenance of an event: its source, note, and whether it is hypothetical or
    disputed (``disputed`` says what the sources disagree on)."""
    return {"source": event.source, "note": event.note, "hypothetical": event.hypothetical,
            "disputed": event.disputed}


def event_document(deal: Deal, item: EventOutcome) -> dict[str, Any]:
    """One event of an outcome: when, what, accepted or refused (``refusal``: its code
    and reason), the records it caused, its provenance and its own fields."""
    event = item.event
    return {"day": event.day, "date": iso(deal, event.day), "type": event.TYPE,
            "accepted": item.accepted,
            "refusal": None if item.accepted else {"code": item.code, "reason": item.reason},
            "description": event.describe(),
            "records": [record_to_dict(r) for r in item.records],
            **event_fields(event), **own_fields(event)}


def phase_terms(run: Run) -> list[dict[str, Any]]:
    """Each phase's term as the run stands: the day it was entered, the last day of its
    term after extensions, renewals or an ``end_phase`` (None while open-ended), the day
    the run left it, and how often it was extended or renewed (from the typed records)."""
    deal = run.deal
    terms: dict[str, dict[str, Any]] = {
        p.id: {"id": p.id, "name": p.title, "duration_days": p.duration_days,
               "entered_day": None, "end_day": None, "left_day": None,
               "extended_days": 0, "renewals": 0} for p in deal.phases}
    current = None
    for state, day in run.history:
        pid = state.partition(":")[0]
        if pid != current and current is not None:
            terms[current]["left_day"] = day
            current = None
        if pid in terms and pid != current:
            current, item = pid, terms[pid]
            item["entered_day"] = day
            duration = deal.phase(pid).duration_days
            item["end_day"] = None if duration is None else day + duration - 1
    for entry in run.log:
        if isinstance(entry.event, PhaseEnded):
            terms[entry.event.phase]["end_day"] = entry.event.day
        for r in entry.records:
            if isinstance(r, PhaseExtended):
                terms[r.phase]["end_day"] = r.end_day
                terms[r.phase]["extended_days"] += r.days
            elif isinstance(r, TermRenewed):
                terms[r.phase]["end_day"] = r.end_day
                terms[r.phase]["renewals"] += 1
    if run.phase_id is not None and run.phase_end is not None and current is not None:
        terms[run.phase_id]["end_day"] = run.phase_end
    out = []
    for item in terms.values():
        for key in ("entered", "end", "left"):
            item[f"{key}_date"] = iso(deal, item[f"{key}_day"])
        out.append(item)
    return out


def on_record_documents(run: Run) -> list[dict[str, Any]]:
    """What was put on record without judging (reports, statements, incidents,
    findings): its id and record, what the event said, and its provenance."""
    out = []
    for entry in run.log:
        for r in entry.records:
            if not isinstance(r, OnRecord):
                continue
            event = entry.event
            fields = own_fields(event)
            fields.pop("id", None)
            out.append({**record_to_dict(r), "date": iso(run.deal, r.day),
                        "description": event.describe(),
                        "after_end": any(isinstance(x, AfterEnd) for x in entry.records),
                        **{k: v for k, v in fields.items() if k not in ("by", "obligation",
                                                                         "indicator",
                                                                         "quantity")},
                        **event_fields(event)})
    return out


def indicator_documents(run: Run) -> list[dict[str, Any]]:
    """Each indicator of the deal: its unit, running total and the reports giving it."""
    noted = on_record(run)
    out = []
    for indicator in run.deal.indicators:
        reports = [r for r in noted if r.indicator == indicator.id and r.total is not None]
        out.append({"id": indicator.id, "unit": indicator.unit,
                    "description": indicator.description, "clause": indicator.clause,
                    "total": reports[-1].total if reports else None,
                    "reports": [{"id": r.id, "day": r.day, "date": iso(run.deal, r.day),
                                 "quantity": r.quantity, "total": r.total, "by": list(r.by)}
                                for r in reports]})
    return out
