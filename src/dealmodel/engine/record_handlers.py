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

__all__ = ["last_total", "on_record"]

_Noted = Reported | Stated | IncidentReported | FindingIssued


def on_record(run: Run) -> list[OnRecord]:
    """What the run has put on record, in order."""
    return [r for e in run.log for r in e.records if isinstance(r, OnRecord)]


def last_total(run: Run, obligation: str | None, indicator: str | None) -> int:
    """The running total last reported on ``obligation`` or ``indicator`` (0 if none)."""
    total = 0
    for r in on_record(run):
        if r.total is not None and r.obligation == obligation and r.indicator == indicator:
            total = r.total
    return total


def _next_id(run: Run, event: _Noted) -> str:
    if event.id is not None:
        return event.id
    prefix = ON_RECORD[type(event)]
    taken = {r.id for r in on_record(run)}
    n = sum(1 for r in on_record(run) if r.event == event.TYPE) + 1
    while f"{prefix}{n}" in taken:
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
        if any(r.id == event.id for r in on_record(run)):
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
    out.append(OnRecord(event.day, event.TYPE, _next_id(run, event), _by(event),
                        event.obligation, indicator, quantity, total))


register(Reported, _check, _commit, neutral=True)
register(Stated, _check, _commit, neutral=True)
register(IncidentReported, _check, _commit, neutral=True)
register(FindingIssued, _check, _commit, neutral=True)
