"""Handlers of the events that record without judging: reports, statements, incidents and
findings (:mod:`dealmodel.model.reports`).

They change no state: each is checked (its actors, obligation or indicator exist; its id
is new; a running total does not go down) and put on record as an
:class:`~dealmodel.engine.records.OnRecord` with its id, given or automatic (``R1``,
``S1``, ``I1``, ``F1``, ... per type). They are registered ``neutral``: after the deal
has ended they are recorded the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.guards import obligation, party, refuse
from dealmodel.engine.records import OnRecord, Record
from dealmodel.engine.registry import register
from dealmodel.model._event_base import actors
from dealmodel.model.reports import (
    ON_RECORD,
    FindingIssued,
    IncidentReported,
    Reported,
    Stated,
)

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__ = ["RecordIndex", "is_on_record", "last_total", "on_record", "reported_total"]

_Noted = Reported | Stated | IncidentReported | FindingIssued


class RecordIndex:
    """What a run's record holds, by id, by type and by measure: kept beside
    ``run.noted`` and extended as it grows (rebuilt when an undo shortens it), so that
    putting one more thing on record costs the same however long the record is."""

    __slots__ = ("counts", "ids", "length", "totals")

    def __init__(self) -> None:
        self.length = 0
        self.ids: set[str] = set()
        self.counts: dict[str, int] = {}  # event type -> how many on record
        self.totals: dict[tuple[str | None, str | None], int] = {}  # last running totals

    def extend(self, noted: list[OnRecord]) -> RecordIndex:
        for r in noted[self.length:]:
            self.ids.add(r.id)
            self.counts[r.event] = self.counts.get(r.event, 0) + 1
            if r.total is not None:
                self.totals[(r.obligation, r.indicator)] = r.total
        self.length = len(noted)
        return self


def _index(run: Run) -> RecordIndex:
    index = run._noted_index
    if index is None or index.length > len(run._noted):
        index = run._noted_index = RecordIndex()
    return index.extend(run._noted)


def on_record(run: Run) -> list[OnRecord]:
    """What the run has put on record, in order."""
    return run._noted


def is_on_record(run: Run, record_id: str) -> bool:
    """Whether a report, statement, incident or finding with id ``record_id`` is on record."""
    return record_id in _index(run).ids


def reported_total(run: Run, obligation: str) -> int | None:
    """The running total last reported on ``obligation`` (None if none was)."""
    return _index(run).totals.get((obligation, None))


def last_total(run: Run, obligation: str | None, indicator: str | None) -> int:
    """The running total last reported on ``obligation`` or ``indicator`` (0 if none)."""
    return _index(run).totals.get((obligation, indicator), 0)


def _next_id(run: Run, event: _Noted) -> str:
    if event.id is not None:
        return event.id
    prefix = ON_RECORD[type(event)]
    index = _index(run)
    n = index.counts.get(event.TYPE, 0) + 1
    while f"{prefix}{n}" in index.ids:
        n += 1
    return f"{prefix}{n}"


def _by(event: _Noted) -> tuple[str, ...]:
    """Who made it: the actors ``by``, or a finding's ``body`` (named as it is)."""
    return (event.body,) if isinstance(event, FindingIssued) else actors(event.by)


def _check(run: Run, event: _Noted) -> None:
    if not isinstance(event, FindingIssued):  # a finding's body is outside the deal
        for actor in actors(event.by):
            party(run, event, actor, "by")
    if isinstance(event, IncidentReported) and event.reported_by is not None:
        party(run, event, event.reported_by, "reported_by")
    if isinstance(event, FindingIssued) and event.concerning is not None:
        party(run, event, event.concerning, "concerning")
    if event.obligation is not None:
        obligation(run, event, event.obligation)
    if event.id is not None:
        if not event.id or not event.id.replace("_", "").replace("-", "").isalnum():
            raise refuse(event, "bad-id", f"id {event.id!r} must use only letters, digits, "
                         "'_' and '-'")
        if event.id in _index(run).ids:
            raise refuse(event, "duplicate-id", f"{event.id!r} is on record already; give "
                         "each report, statement, incident or finding its own id")
    if isinstance(event, Reported):
        _check_figures(run, event)


def _check_figures(run: Run, event: Reported) -> None:
    if event.indicator is not None and event.indicator not in {
            i.id for i in run.deal.indicators}:
        known = ", ".join(i.id for i in run.deal.indicators) or "none defined"
        raise refuse(event, "unknown-indicator", f"unknown indicator {event.indicator!r} in "
                     f"{run.deal.id} (indicators: {known})")
    if event.quantity is None and event.cumulative is None:
        return
    if event.quantity is not None and event.cumulative is not None:
        raise refuse(event, "bad-quantity", "give quantity (this period) or cumulative (the "
                     "running total), not both")
    if event.obligation is None and event.indicator is None:
        raise refuse(event, "bad-quantity", "an amount is reported on something: name the "
                     "obligation or the indicator")
    if event.obligation is not None and event.indicator is not None:
        raise refuse(event, "bad-quantity", "an amount is reported on one thing: name the "
                     "obligation or the indicator, not both")
    if event.quantity is not None and event.quantity < 1:
        raise refuse(event, "bad-quantity", f"quantity must be at least 1, got "
                     f"{event.quantity}")
    if event.cumulative is not None:
        last = last_total(run, event.obligation, event.indicator)
        if event.cumulative < last:
            about = event.obligation or event.indicator
            raise refuse(event, "total-decreased", f"the running total of {about!r} cannot "
                         f"go down: {event.cumulative:,} reported, {last:,} recorded before "
                         "(if a source corrects an earlier total, change that event and say "
                         "so in its disputed:)")


def _commit(run: Run, event: _Noted, out: list[Record]) -> None:
    quantity = total = None
    if isinstance(event, Reported) and (event.quantity is not None
                                        or event.cumulative is not None):
        last = last_total(run, event.obligation, event.indicator)
        if event.cumulative is not None:
            total, quantity = event.cumulative, event.cumulative - last
        else:
            quantity = event.quantity
            total = last + (quantity or 0)
    indicator = event.indicator if isinstance(event, Reported) else None
    noted = OnRecord(event.day, event.TYPE, _next_id(run, event), _by(event),
                     event.obligation, indicator, quantity, total)
    out.append(noted)
    run._noted.append(noted)  # truncated again if the event is undone


register(Reported, _check, _commit, neutral=True)
register(Stated, _check, _commit, neutral=True)
register(IncidentReported, _check, _commit, neutral=True)
register(FindingIssued, _check, _commit, neutral=True)
