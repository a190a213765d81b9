"""The clock and the phase lifecycle: deadlines, entering, expiring and closing phases.

Functions of a :class:`~dealmodel.engine.run.Run`, called by the run and by the event
handlers; nothing here chooses which event applies.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from dealmodel.engine.ledger import (
    _ACT,
    _EXPIRY,
    _MILESTONE,
    ACTIVE,
    DISCHARGED,
    FULFILLED,
    PENDING,
    SUSPENDED,
    TERMINAL,
    VIOLATED,
)
from dealmodel.engine.records import (
    Cause,
    ExpiryDeferred,
    Record,
    StateChanged,
    StatusChanged,
    Violated,
)
from dealmodel.model.obligations import ObligationKind

if TYPE_CHECKING:
    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run


# -- the clock -----------------------------------------------------------------

def push(run: Run, day: int, kind: int, ref: str) -> None:
    run._own_mutables()
    heapq.heappush(run._deadlines, (day, kind, run._seq, ref))
    run._seq += 1


def advance(run: Run, day: int, out: list[Record]) -> None:
    """Move the clock to ``day``, firing every deadline that falls before it."""
    run._own_mutables()
    deadlines = run._deadlines
    while deadlines and deadlines[0][0] < day:
        if run.state in TERMINAL:  # nothing is due once the deal has ended
            deadlines.clear()
            break
        due, kind, _, ref = heapq.heappop(deadlines)
        run.day = due + 1
        if kind == _MILESTONE:
            check_deadline(run, run.ledger[ref], due, out)
        elif kind == _EXPIRY:
            if run.phase_end == due and run.phase_id == ref:
                expire(run, out)
        else:
            enter(run, 0, out)
    run.day = day


def set_state(run: Run, trigger: str, out: list[Record]) -> None:
    if not run._machine.fire(trigger, run):  # pragma: no cover - checked before
        raise AssertionError(f"{trigger} refused from {run.state}")
    run.history.append((run.state, run.day))
    out.append(StateChanged(run.day, run.state, trigger))


def enter(run: Run, index: int, out: list[Record]) -> None:
    """Enter phase ``index`` (the lifecycle transition has been chosen by the caller)."""
    phase = run.deal.phases[index]
    set_state(run, "enter_force" if index == 0 else "advance", out)
    run.phase_index = index
    run.phase_entered = run.day
    run.extended_days = 0
    run.phase_end = (run.day + phase.duration_days - 1
                      if phase.duration_days is not None else None)
    run._own_mutables()
    run.negotiating.discard(phase.id)
    start = run.day - 1
    ledger = run.ledger
    for oid in run._machine.obligations[index]:
        entry = run._writable(ledger[oid])
        ob = entry.obligation
        if entry.status is PENDING:  # an upheld ruling before the phase began stands
            entry.status = ACTIVE
            record(entry, StatusChanged(run.day, oid, ACTIVE, Cause.PHASE_BEGAN), None)
        if ob.schedule:
            entry.milestones = tuple((start + m.day, m.cumulative) for m in ob.schedule)
            for d, _ in entry.milestones:
                push(run, d, _MILESTONE, ob.id)
            entry.due_day = entry.milestones[-1][0]
        elif ob.due_day is not None:
            entry.due_day = start + ob.due_day
            push(run, entry.due_day, _MILESTONE, ob.id)
        elif ob.kind in (ObligationKind.QUANTITY, ObligationKind.ACT):
            entry.due_day = run.phase_end  # checked when the phase expires
    if run.phase_end is not None:
        push(run, run.phase_end, _EXPIRY, phase.id)


def record(entry: LedgerEntry, item: Record, out: list[Record] | None) -> None:
    """Add ``item`` to the entry's history and, unless None, to the event's records."""
    entry.history.append(item)
    if out is not None:
        out.append(item)


def violate(run: Run, entry: LedgerEntry, item: Violated, out: list[Record]) -> None:
    entry = run._writable(entry)
    entry.status = VIOLATED
    if entry.violated_day is None:
        entry.violated_day = item.day
    record(entry, item, out)


def check_deadline(run: Run, entry: LedgerEntry, due: int, out: list[Record]) -> None:
    status = entry.status
    if status is not ACTIVE and status is not SUSPENDED:
        return  # settled or violated already: a stale deadline
    ob = entry.obligation
    if ob.kind is _ACT:
        if entry.progress < 1:
            violate(run, entry, Violated(due, ob.id, due), out)
        return
    needed: int | None = None
    for day, cumulative in entry.milestones:
        if day == due:
            needed = cumulative
            break
    else:
        needed = run.owed(entry) if ob.reciprocal else entry.target
    if needed is not None and entry.progress < needed:
        violate(run, entry, Violated(due, ob.id, due, entry.progress, needed), out)
    elif due == entry.due_day and ob.reciprocal:
        entry = run._writable(entry)
        entry.status = FULFILLED
        record(entry, StatusChanged(due, ob.id, FULFILLED, Cause.DEADLINE_MET), out)


def expire(run: Run, out: list[Record]) -> None:
    """The current phase's time is up: follow its expiry rule."""
    state = run.state
    if state.endswith(":suspended"):
        run.expiry_deferred = True
        out.append(ExpiryDeferred(run.day, run.deal.phases[run.phase_index].id))
        return
    index = run.phase_index
    end = run.phase_end
    if end is not None:
        ledger = run.ledger
        for oid in run._machine.due_at_end[index]:  # due "by the end of the phase"
            entry = ledger[oid]
            if entry.due_day == end:
                check_deadline(run, entry, end, out)
    machine = run._machine
    if index + 1 < len(run.deal.phases):
        if machine.can("advance", state) and run.phase_ready(index + 1):
            close_phase(run, index, out)
            enter(run, index + 1, out)
        elif machine.fire("limbo", run):
            run.history.append((run.state, run.day))
            out.append(StateChanged(run.day, run.state, "limbo"))
        else:
            set_state(run, "lapse", out)
            discharge(run, out)
    elif machine.can("conclude", state):
        close_phase(run, index, out)
        set_state(run, "conclude", out)
        discharge(run, out)
    else:
        set_state(run, "lapse", out)
        discharge(run, out)


def close_phase(run: Run, index: int, out: list[Record]) -> None:
    """A phase hands over: its standing duties (ongoing, prohibitions) are complete."""
    ledger = run.ledger
    for oid in run._machine.standing[index]:
        entry = ledger[oid]
        if entry.status not in (ACTIVE, SUSPENDED):
            continue
        entry = run._writable(entry)
        if entry.status is ACTIVE:
            entry.status = FULFILLED
            record(entry, StatusChanged(run.day, oid, FULFILLED, Cause.PHASE_ENDED), out)
        else:
            entry.status = DISCHARGED
            record(entry, StatusChanged(run.day, oid, DISCHARGED, Cause.PHASE_ENDED_SUSPENDED),
                   out)


def discharge(run: Run, out: list[Record]) -> None:
    """The deal has ended: every obligation still open (active or suspended) is discharged.

    Whatever was due before the end has been judged by its deadline already; what is
    still open at the end was not yet due, or was owed only while the deal lasted.
    """
    for entry in list(run.ledger.values()):
        if entry.status in (ACTIVE, SUSPENDED):
            entry = run._writable(entry)
            entry.status = DISCHARGED
            record(entry, StatusChanged(run.day, entry.obligation.id, DISCHARGED,
                                        Cause.DEAL_ENDED), out)
    run._own_mutables()
    run.negotiating.clear()


def conclude_if_settled(run: Run, out: list[Record]) -> None:
    """An open-ended last phase concludes once all its obligations are settled."""
    index = run.phase_index
    if index < 0 or not run._machine.can("conclude", run.state):
        return
    ledger = run.ledger
    if all(ledger[oid].status.settled for oid in run._machine.settling[index]):
        close_phase(run, index, out)
        set_state(run, "conclude", out)
        discharge(run, out)


def in_limbo_for(run: Run, phase_id: str) -> bool:
    index = run.phase_index
    return (index >= 0 and index + 1 < len(run.deal.phases)
            and run.deal.phases[index + 1].id == phase_id
            and run.state == run.deal.phases[index].limbo_state)

