"""The JSON document of a run's obligations and events (``dealmodel run --json``), one
obligation or event at a time; :meth:`Outcome.to_dict` assembles them.

Everything here is read from the run's typed records; nothing is parsed back from text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealmodel.engine.duty_records import Withholding, WithholdingReleased
from dealmodel.engine.score import score
from dealmodel.model.obligations import ObligationKind

if TYPE_CHECKING:
    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run
    from dealmodel.model.events import Event

__all__ = ["event_fields", "obligation_document", "surplus", "withholdings"]


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
        "unit": ob.unit, "due_day": entry.due_day, "violated_day": entry.violated_day,
        "fulfilled_day": entry.fulfilled_day,
        "performed_by": dict(entry.performed_by),
        "withheld_from": held[-1]["from"] if held else None,
        "withholdings": held,
        "surplus": surplus(run, entry),
        "score": score(run, entry),
        "clause": ob.clause,
    }
    if ob.parts:
        doc["parts"] = {part: entry.parts_done.get(part, 0) for part in ob.parts}
    return doc


def event_fields(event: Event) -> dict[str, Any]:
    """The provenance of an event: its source, note, and whether it is hypothetical or
    disputed (``disputed`` says what the sources disagree on)."""
    return {"source": event.source, "note": event.note, "hypothetical": event.hypothetical,
            "disputed": event.disputed}
