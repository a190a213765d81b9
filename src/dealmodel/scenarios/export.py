"""Tabular exports of a scenario's outcome: rows of plain values for CSV and DataFrames.

Four tables, each a list of dicts with the same keys (:data:`COLUMNS`):

* ``ledger`` - the obligation ledger over time: one row per obligation per day on which
  it changed (became active, was performed, fulfilled, violated, suspended, resumed,
  discharged, target changed) and why (``cause``: the engine's typed record, e.g.
  ``deadline met``, ``suspended by israel``), with the day's quantity, the running total,
  the target, the status that evening and whether a hypothetical event (or a
  hypothetical scenario) is behind it;
* ``events`` - each event of the scenario: accepted or refused (``reason`` and ``code``
  of the refusal), the state after it, what the event says in its own words
  (``detail``: a suspension's reason, an allegation's evidence, a report's summary, ...)
  and its provenance (hypothetical, note, source);
* ``on_record`` - what was put on record without judging (reports, statements,
  incidents, findings), with its id, amounts and running total where given;
* ``allegations`` - each allegation and its ruling (an allegation is not a finding).

:func:`to_csv` writes rows as CSV (empty cells for "none", ``true``/``false``);
:func:`to_dataframe` builds a pandas DataFrame (pandas is optional:
``pip install 'dealmodel[pandas]'``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dealmodel._optional import require
from dealmodel.engine.record_handlers import on_record
from dealmodel.engine.records import (
    DueSet,
    Performance,
    Record,
    StatusChanged,
    TargetChanged,
    Violated,
    Withholding,
    WithholdingReleased,
)
from dealmodel.errors import DealModelError
from dealmodel.model.events import Event

if TYPE_CHECKING:
    from dealmodel.engine import Run
    from dealmodel.scenarios.scenario import Outcome

__all__ = ["COLUMNS", "TABLES", "Row", "records", "to_csv", "to_dataframe"]

Row = dict[str, Any]

#: The columns of each table, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "ledger": ("day", "obligation", "obligor", "phase", "change", "cause", "quantity",
               "progress", "target", "status", "hypothetical"),
    "events": ("index", "day", "type", "description", "party", "obligation", "quantity",
               "accepted", "reason", "code", "state_after", "hypothetical", "detail", "note",
               "source"),
    "on_record": ("id", "day", "type", "by", "obligation", "indicator", "quantity", "total",
                  "description", "detail", "hypothetical", "note", "source"),
    "allegations": ("id", "day", "by", "against", "obligation", "evidence", "status",
                    "ruled_by", "ruled_day", "refers_to"),
}
TABLES = tuple(COLUMNS)

def _change(record: Record) -> tuple[str, str | None]:
    """(what happened, why) of one ledger record, as typed fields."""
    if isinstance(record, Performance):
        return "performed", None
    if isinstance(record, StatusChanged):
        return record.status.value, record.cause.value
    if isinstance(record, Violated):
        return ("partially fulfilled" if record.partial else "violated"), record.why
    if isinstance(record, TargetChanged):
        return "target changed", f"target {record.target}"
    if isinstance(record, Withholding):
        until = f": until {record.condition}" if record.condition else ""
        return "withheld", f"by {record.by}{until}"
    if isinstance(record, WithholdingReleased):
        return "released", f"by {record.by}"
    if isinstance(record, DueSet):
        return "due day set", f"day {record.due} (after {record.after})"
    return record.kind, None


def _ledger_rows(outcome: Outcome) -> list[Row]:
    """Rows of the ledger over time, one per obligation per day, from the run's typed
    records. ``hypothetical``: the scenario is, or an event marked hypothetical acted on
    the obligation that day (a performance, suspension, resumption)."""
    run = outcome.run
    rows: list[Row] = []
    deal = run.deal
    marked = {(e.day, getattr(e, "obligation", None)) for e in run.events() if e.hypothetical}
    for entry in run.ledger.values():
        ob = entry.obligation
        phase = deal.phases[deal.obligation_phase(ob.id)].id
        progress, status, target = 0, "pending", entry.obligation.target
        day_rows: dict[int, Row] = {}
        for record in entry.history:
            day = record.day
            row = day_rows.get(day)
            if row is None:
                row = day_rows[day] = {
                    "day": day, "obligation": ob.id, "obligor": "+".join(ob.obligors),
                    "phase": phase,
                    "change": [], "cause": [], "quantity": 0,
                    "hypothetical": outcome.scenario.hypothetical or (day, ob.id) in marked}
            change, cause = _change(record)
            if isinstance(record, Performance):
                progress = record.progress
                row["quantity"] += record.quantity
            elif isinstance(record, StatusChanged):
                status = record.status.value
                if record.actor:
                    cause = f"{cause} by {record.actor}"
            elif isinstance(record, Violated):
                if status not in ("suspended", "withheld"):  # a held duty shows as held
                    status = "partially fulfilled" if record.partial else "violated"
            elif isinstance(record, Withholding):
                status = "withheld"
            elif isinstance(record, WithholdingReleased):
                status = record.status.value
            elif isinstance(record, TargetChanged):
                target = record.target
            row["change"].append(change)
            if cause:
                row["cause"].append(cause)
            row.update(progress=progress, status=status, target=target)
        rows.extend(day_rows.values())
    for row in rows:
        row["change"] = "; ".join(dict.fromkeys(row["change"]))
        row["cause"] = "; ".join(dict.fromkeys(row["cause"])) or None
        row["quantity"] = row["quantity"] or None
    rows.sort(key=lambda r: r["day"])  # stable: ledger order within a day
    return rows


def _actor(event: Any) -> str | None:
    actor = getattr(event, "party", None) or getattr(event, "by", None)
    return actor if isinstance(actor, str) else None


def _event_rows(outcome: Outcome) -> list[Row]:
    rows: list[Row] = []
    for i, item in enumerate(outcome.events):
        event = item.event
        rows.append({
            "index": i, "day": event.day, "type": event.TYPE, "description": event.describe(),
            "party": _actor(event), "obligation": getattr(event, "obligation", None),
            "quantity": getattr(event, "quantity", None), "accepted": item.accepted,
            "reason": item.reason, "code": item.code, "state_after": item.state,
            "hypothetical": event.hypothetical, "detail": _detail(event),
            "note": event.note or None, "source": event.source or None,
        })
    return rows


def _detail(event: Event) -> str | None:
    """What an event says in its own words: ``reason: ...; evidence: ...``."""
    return "; ".join(f"{name}: {text}" for name, text in event.texts()) or None


def _on_record_rows(outcome: Outcome) -> list[Row]:
    run = outcome.run
    events = {id(r): e.event for e in run.log for r in e.records}
    rows: list[Row] = []
    for r in on_record(run):
        event = events[id(r)]
        rows.append({"id": r.id, "day": r.day, "type": r.event,
                     "by": " and ".join(r.by) or None, "obligation": r.obligation,
                     "indicator": r.indicator, "quantity": r.quantity, "total": r.total,
                     "description": event.describe(), "detail": _detail(event),
                     "hypothetical": event.hypothetical, "note": event.note or None,
                     "source": event.source or None})
    return rows


def _allegation_rows(run: Run) -> list[Row]:
    return [{"id": a.id, "day": a.day, "by": a.by, "against": a.against,
             "obligation": a.obligation, "evidence": a.evidence or None,
             "status": a.status.value,
             "ruled_by": a.ruled_by, "ruled_day": a.ruled_day, "refers_to": a.refers_to}
            for a in run.allegations]


def records(outcome: Outcome, table: str = "ledger") -> list[Row]:
    """The rows of ``table`` (``ledger``, ``events`` or ``allegations``) of ``outcome``."""
    if table == "ledger":
        return _ledger_rows(outcome)
    if table == "events":
        return _event_rows(outcome)
    if table == "allegations":
        return _allegation_rows(outcome.run)
    if table == "on_record":
        return _on_record_rows(outcome)
    raise DealModelError(f"no table named {table!r}; tables: {', '.join(TABLES)}")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """``rows`` as CSV text with a header line (``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def to_dataframe(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Any:
    """``rows`` as a ``pandas.DataFrame`` with nullable dtypes (missing values are NA).

    Raises :class:`~dealmodel.errors.MissingExtraError` when pandas is not installed.
    """
    pandas = require("pandas", "to_dataframe()")
    frame = pandas.DataFrame.from_records(list(rows), columns=list(columns))
    return frame.convert_dtypes()

