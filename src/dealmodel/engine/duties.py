"""Duties: how one obligation's status moves in a run, in one place.

The rules (docs/explanation/lifecycle.md states them for users):

* A deadline judges a duty whatever its status: short of what is needed, it is in
  breach - ``violated`` if nothing was done, ``partially fulfilled`` if part was - and
  ``violated_day`` keeps the first breach. A suspended or withheld duty stays suspended
  or withheld; the breach is the status it returns to (``held_status``).
* A duty is fulfilled when what is owed has been delivered: ``fulfilled`` on time, or
  ``fulfilled late`` after a breach (its violation day is kept). ``fulfilled_day`` is
  kept either way.
* A relative deadline (``due: {after, days}``) is set when its anchor happens: another
  obligation fulfilled, a phase entered, an event type first accepted.
* A standing duty (ongoing, prohibition) with a term (``term_days``, or a due day) ends
  when it runs out, at the end of its last day: it renews if its renewal clause says so
  and no obligor objected in time; otherwise it was kept (``fulfilled``) if active, is
  ``discharged`` if suspended or withheld, and a breach stays a breach.

Functions of a :class:`~dealmodel.engine.run.Run`; the clock and the handlers call them.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from dealmodel.engine.ledger import (
    _MILESTONE,
    ACTIVE,
    DISCHARGED,
    FULFILLED,
    FULFILLED_LATE,
    PARTIAL,
    PENDING,
    SUSPENDED,
    VIOLATED,
    WITHHELD,
)
from dealmodel.engine.records import (
    Cause,
    DueSet,
    DutyEnd,
    DutyRenewed,
    Record,
    StatusChanged,
    Violated,
)
from dealmodel.model.obligations import ObligationKind, ObligationStatus

if TYPE_CHECKING:
    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run

__all__ = ["anchor_reached", "end_duty", "fulfil", "judge", "push", "record", "violate"]

_HELD = (SUSPENDED, WITHHELD)
_ACT = ObligationKind.ACT


def push(run: Run, day: int, kind: int, ref: str) -> None:
    """Put a deadline on the run's heap (``kind`` orders a day's work)."""
    run._own_mutables()
    heapq.heappush(run._deadlines, (day, kind, run._seq, ref))
    run._seq += 1


def record(entry: LedgerEntry, item: Record, out: list[Record] | None) -> None:
    """Add ``item`` to the entry's history and, unless None, to the event's records."""
    entry.history.append(item)
    if out is not None:
        out.append(item)


def current(entry: LedgerEntry) -> ObligationStatus:
    """The entry's standing, looking through a suspension or withholding."""
    status = entry.status
    if status in _HELD and entry.held_status is not None:
        return entry.held_status
    return status


def violate(run: Run, entry: LedgerEntry, item: Violated, out: list[Record]) -> None:
    """Record a breach: the entry becomes violated (or partially fulfilled), or returns to
    that when its suspension or withholding ends."""
    entry = run._writable(entry)
    status = PARTIAL if item.partial else VIOLATED
    if entry.status in _HELD:
        entry.held_status = status
    else:
        entry.status = status
    if entry.violated_day is None:
        entry.violated_day = item.day
    record(entry, item, out)


def fulfil(run: Run, entry: LedgerEntry, day: int, cause: Cause, out: list[Record],
          late: bool | None = None) -> None:
    """What is owed has been delivered: fulfilled, or fulfilled late after a breach
    (``late=False``: met as amended, on time by the new terms)."""
    entry = run._writable(entry)
    if late is None:
        late = entry.violated_day is not None
    status = FULFILLED_LATE if late else FULFILLED
    entry.status = status
    entry.held_status = None
    entry.fulfilled_day = day
    record(entry, StatusChanged(day, entry.obligation.id, status, cause), out)
    anchor_reached(run, entry.obligation.id, day, out)


def needed_on(run: Run, entry: LedgerEntry, due: int) -> int | None:
    """What must have been delivered by deadline ``due`` (None: nothing is measured then,
    or the deadline was moved, by an amendment or an extension, and is judged on its new
    day instead)."""
    for day, cumulative in entry.milestones:
        if day == due:
            return cumulative
    if due != entry.due_day:
        return None
    return run.owed(entry)


def judge(run: Run, entry: LedgerEntry, due: int, out: list[Record]) -> None:
    """Deadline ``due`` has passed (at the end of that day): judge the entry."""
    if entry.obligation.standing:
        if due == entry.due_day and (entry.status in _HELD or entry.status is ACTIVE
                                     or entry.status.breached):
            term_ran_out(run, entry, due, out)
        return
    standing = current(entry)
    if standing is not ACTIVE and not standing.breached:
        return  # pending, settled, or its deadline was moved: a stale deadline
    ob = entry.obligation
    needed = needed_on(run, entry, due)
    if needed is None:
        return  # ongoing duties and prohibitions have no amount to judge
    if entry.progress < needed:
        partial = entry.progress > 0
        if standing is (PARTIAL if partial else VIOLATED):
            return  # the same breach, judged already
        if ob.kind is _ACT and not ob.parts:
            item = Violated(due, ob.id, due)
        else:
            item = Violated(due, ob.id, due, entry.progress, needed, partial=partial)
        violate(run, entry, item, out)
    elif due == entry.due_day and entry.status not in _HELD:
        # the final deadline met: what was owed (in return, or nothing at all) was delivered
        fulfil(run, entry, due, Cause.DEADLINE_MET, out)


def performed(run: Run, entry: LedgerEntry, day: int, out: list[Record]) -> None:
    """After a performance: fulfil the entry if it now holds all it owes.

    A reciprocal duty owes in proportion to the other side's progress, so it is judged
    at its deadline instead; an ongoing duty is never complete.
    """
    ob = entry.obligation
    target = entry.target
    if (target is None or ob.reciprocal or ob.kind is ObligationKind.ONGOING
            or entry.progress < target):
        return
    status = entry.status
    if status is ACTIVE or status.breached:
        fulfil(run, entry, day, Cause.PERFORMED, out)


# -- terms of standing duties ------------------------------------------------------

def term_ran_out(run: Run, entry: LedgerEntry, due: int, out: list[Record]) -> None:
    """A standing duty's term ran out at the end of day ``due``: renew it, or end it."""
    ob = entry.obligation
    renewal = ob.renewal
    if (renewal is not None and renewal.automatic and not entry.renewal_objected
            and (renewal.max_renewals is None or entry.renewals < renewal.max_renewals)):
        entry = run._writable(entry)
        entry.renewals += 1
        entry.due_day = due + renewal.term_days
        push(run, entry.due_day, _MILESTONE, ob.id)
        record(entry, DutyRenewed(due, ob.id, entry.due_day), out)
        return
    end_duty(run, entry, due, DutyEnd(due, ob.id), out)


def end_duty(run: Run, entry: LedgerEntry, day: int, item: DutyEnd, out: list[Record]) -> None:
    """A standing duty ends on ``day`` (its term ran out, or ``item.by`` ended it early):
    kept through its term if active (fulfilled; discharged when ended early), discharged
    if suspended or withheld; a breach stays a breach."""
    entry = run._writable(entry)
    entry.due_day = day
    record(entry, item, out)
    actor = item.by[0] if item.by else None
    if entry.status is ACTIVE and not item.early:
        entry.fulfilled_day = day
        entry.status = FULFILLED
        record(entry, StatusChanged(day, entry.obligation.id, FULFILLED, Cause.TERM_ENDED),
               out)
    elif entry.status is ACTIVE or entry.status in _HELD:
        if entry.status in _HELD and entry.held_status is not None \
                and entry.held_status.breached:
            entry.status = entry.held_status  # the breach found meanwhile stands
        else:
            entry.status = DISCHARGED
        entry.held_status = None
        entry.suspended_by = None
        cause = Cause.ENDED_EARLY if item.early else Cause.TERM_ENDED
        record(entry, StatusChanged(day, entry.obligation.id, entry.status, cause, actor), out)


# -- relative deadlines --------------------------------------------------------------

def set_relative_due(run: Run, entry: LedgerEntry, anchor: int, out: list[Record]) -> None:
    """The anchor of the entry's relative deadline happened on day ``anchor``."""
    due = entry.obligation.due
    assert due is not None
    day = max(anchor + due.days, run.day)  # never before the duty is in force
    entry = run._writable(entry)
    entry.due_day = day
    push(run, day, _MILESTONE, entry.obligation.id)
    record(entry, DueSet(run.day, entry.obligation.id, day, due.after), out)


def anchor_reached(run: Run, ref: str, day: int, out: list[Record]) -> None:
    """``ref`` (an obligation id, ``phase:<id>`` or ``event:<type>``) happened on ``day``:
    set the deadlines that count from it, for duties in force that have none yet."""
    for oid in run._machine.anchored.get(ref, ()):
        entry = run.ledger[oid]
        if entry.status is PENDING or entry.status.settled or entry.due_day is not None:
            continue
        set_relative_due(run, entry, day, out)


def anchor_day(run: Run, entry: LedgerEntry) -> int | None:
    """The day the anchor of the entry's relative deadline happened, if it has."""
    due = entry.obligation.due
    assert due is not None
    kind, anchor = due.anchor_kind, due.anchor
    if kind == "obligation":
        return run.ledger[anchor].fulfilled_day
    if kind == "phase":
        return next((d for state, d in run.history if state == anchor), None)
    return next((e.event.day for e in run.log if anchor == e.event.TYPE), None)
