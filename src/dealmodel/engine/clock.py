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
    SUSPENDED,
    TERMINAL,
    VIOLATED,
)
from dealmodel.model.obligations import ObligationKind

if TYPE_CHECKING:
    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run


# -- the clock -----------------------------------------------------------------
def push(run: Run, day: int, kind: int, ref: str) -> None:
    heapq.heappush(run._deadlines, (day, kind, run._seq, ref))
    run._seq += 1

def advance(run: Run, day: int, changes: list[str]) -> None:
    """Move the clock to ``day``, firing every deadline that falls before it."""
    deadlines = run._deadlines
    while deadlines and deadlines[0][0] < day:
        if run.state in TERMINAL:  # nothing is due once the deal has ended
            deadlines.clear()
            break
        due, kind, _, ref = heapq.heappop(deadlines)
        run.day = due + 1
        if kind == _MILESTONE:
            check_deadline(run, run.ledger[ref], due, changes)
        elif kind == _EXPIRY:
            if run.phase_end == due and run.phase_id == ref:
                expire(run, changes)
        else:
            enter(run, 0, changes)
    run.day = day

def set_state(run: Run, trigger: str, changes: list[str]) -> None:
    if not run._machine.fire(trigger, run):  # pragma: no cover - checked before
        raise AssertionError(f"{trigger} refused from {run.state}")
    run.history.append((run.state, run.day))
    changes.append(f"state -> {run.state}")

def enter(run: Run, index: int, changes: list[str]) -> None:
    """Enter phase ``index`` (the lifecycle transition has been chosen by the caller)."""
    phase = run.deal.phases[index]
    set_state(run, "enter_force" if index == 0 else "advance", changes)
    run.phase_index = index
    run.phase_entered = run.day
    run.extended_days = 0
    run.phase_end = (run.day + phase.duration_days - 1
                      if phase.duration_days is not None else None)
    run.negotiating.discard(phase.id)
    start = run.day - 1
    ledger = run.ledger
    for oid in run._machine.obligations[index]:
        entry = run._writable(ledger[oid])
        ob = entry.obligation
        entry.status = ACTIVE
        entry.history.append((run.day, "active"))
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

def violate(run: Run, entry: LedgerEntry, day: int, why: str, changes: list[str]) -> None:
    entry = run._writable(entry)
    entry.status = VIOLATED
    if entry.violated_day is None:
        entry.violated_day = day
    entry.history.append((day, f"violated: {why}"))
    changes.append(f"{entry.obligation.id} violated ({why})")

def check_deadline(run: Run, entry: LedgerEntry, due: int, changes: list[str]) -> None:
    status = entry.status
    if status is not ACTIVE and status is not SUSPENDED:
        return  # settled or violated already: a stale deadline
    ob = entry.obligation
    if ob.kind is _ACT:
        if entry.progress < 1:
            violate(run, entry, due, f"not done by day {due}", changes)
        return
    needed: int | None = None
    for day, cumulative in entry.milestones:
        if day == due:
            needed = cumulative
            break
    else:
        needed = run.owed(entry) if ob.reciprocal else entry.target
    if needed is not None and entry.progress < needed:
        violate(run, entry, due, f"{entry.progress} of {needed} by day {due}", changes)
    elif due == entry.due_day and ob.reciprocal:
        entry = run._writable(entry)
        entry.status = FULFILLED
        entry.history.append((due, "fulfilled"))
        changes.append(f"{ob.id} fulfilled")

def expire(run: Run, changes: list[str]) -> None:
    """The current phase's time is up: follow its expiry rule."""
    state = run.state
    if state.endswith(":suspended"):
        run.expiry_deferred = True
        changes.append(f"{run.phase_id} time is up; expiry waits for resumption")
        return
    index = run.phase_index
    end = run.phase_end
    if end is not None:
        ledger = run.ledger
        for oid in run._machine.due_at_end[index]:  # due "by the end of the phase"
            entry = ledger[oid]
            if entry.due_day == end:
                check_deadline(run, entry, end, changes)
    machine = run._machine
    if index + 1 < len(run.deal.phases):
        if machine.can("advance", state) and run.phase_ready(index + 1):
            close_phase(run, index, changes)
            enter(run, index + 1, changes)
        elif machine.fire("limbo", run):
            run.history.append((run.state, run.day))
            changes.append(f"state -> {run.state}")
        else:
            set_state(run, "lapse", changes)
            discharge(run, changes)
    elif machine.can("conclude", state):
        close_phase(run, index, changes)
        set_state(run, "conclude", changes)
    else:
        set_state(run, "lapse", changes)
        discharge(run, changes)

def close_phase(run: Run, index: int, changes: list[str]) -> None:
    """A phase hands over: its standing duties (ongoing, prohibitions) are complete."""
    ledger = run.ledger
    for oid in run._machine.standing[index]:
        entry = ledger[oid]
        if entry.status not in (ACTIVE, SUSPENDED):
            continue
        entry = run._writable(entry)
        if entry.status is ACTIVE:
            entry.status = FULFILLED
            entry.history.append((run.day, "fulfilled: phase ended"))
        else:
            entry.status = DISCHARGED
            entry.history.append((run.day, "discharged: phase ended while suspended"))
        changes.append(f"{oid} {entry.status.value}")

def discharge(run: Run, changes: list[str]) -> None:
    """The deal has ended: every live obligation is discharged."""
    for entry in list(run.ledger.values()):
        if entry.status in (ACTIVE, SUSPENDED):
            entry = run._writable(entry)
            entry.status = DISCHARGED
            entry.history.append((run.day, f"discharged: deal {run.state}"))
            changes.append(f"{entry.obligation.id} discharged")
    run.negotiating.clear()

def conclude_if_settled(run: Run, changes: list[str]) -> None:
    """An open-ended last phase concludes once all its obligations are settled."""
    index = run.phase_index
    if index < 0 or not run._machine.can("conclude", run.state):
        return
    ledger = run.ledger
    if all(ledger[oid].status.settled for oid in run._machine.settling[index]):
        close_phase(run, index, changes)
        set_state(run, "conclude", changes)

def in_limbo_for(run: Run, phase_id: str) -> bool:
    index = run.phase_index
    return (index >= 0 and index + 1 < len(run.deal.phases)
            and run.deal.phases[index + 1].id == phase_id
            and run.state == run.deal.phases[index].limbo_state)

