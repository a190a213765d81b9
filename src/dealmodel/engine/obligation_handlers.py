"""Handlers of the events that act on single obligations: performing (by an obligor, or by
another actor on its behalf; in parts; beyond what is owed), withholding and releasing a
performance, ending a standing duty early, and ending an open-ended phase.

Each is a (check, commit) pair registered with :func:`~dealmodel.engine.registry.register`
(see :mod:`dealmodel.engine.handlers` for the others).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.clock import expire
from dealmodel.engine.duties import current, end_duty, performed, record
from dealmodel.engine.guards import in_force, live, obligation, party, refuse
from dealmodel.engine.ledger import PENDING, SUSPENDED, TERMINAL, WITHHELD
from dealmodel.engine.power_handlers import authorised
from dealmodel.engine.records import (
    DutyEnd,
    Performance,
    Record,
    Withholding,
    WithholdingReleased,
)
from dealmodel.engine.registry import register
from dealmodel.model.events import (
    DutyEnded,
    Performed,
    PhaseEnded,
    Released,
    Withheld,
    actors,
)
from dealmodel.model.obligations import ObligationKind, ObligationStatus
from dealmodel.model.powers import PowerKind

if TYPE_CHECKING:
    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run

__all__: list[str] = []


def _obligor(event: Performed | Withheld | Released, entry: LedgerEntry) -> None:
    ob = entry.obligation
    if event.party not in ob.obligors:
        owed = " or ".join(repr(o) for o in ob.obligors)
        verb = {"perform": "perform", "withhold": "withhold", "release": "release"}[event.TYPE]
        raise refuse(event, "not-obligor", f"only {owed} can {verb} {ob.id!r}; party was "
                     f"{event.party!r} (for another actor's performance, name the obligor "
                     "as party and the actor as by)")


# -- performing ---------------------------------------------------------------------------
def performed_quantity(entry: LedgerEntry, event: Performed) -> int:
    """What ``event`` performs: its ``quantity``, or for a ``cumulative`` running total the
    difference from what is recorded (of its part, if it names one)."""
    if event.cumulative is None:
        return event.quantity
    base = entry.parts_done.get(event.part, 0) if event.part else entry.progress
    return event.cumulative - base


def _check_cumulative(event: Performed, entry: LedgerEntry) -> None:
    if event.cumulative is None:
        return
    if event.quantity != 1:
        raise refuse(event, "bad-quantity", "give quantity (this time) or cumulative (the "
                     "running total so far), not both")
    base = event.cumulative - performed_quantity(entry, event)
    about = f"part {event.part!r} of {entry.id!r}" if event.part else repr(entry.id)
    if event.cumulative < base:
        raise refuse(event, "total-decreased", f"the running total of {about} cannot go "
                     f"down: {event.cumulative:,} given, {base:,} recorded already")
    if event.cumulative == base:
        raise refuse(event, "bad-quantity", f"the total of {about} is {base:,} already: a "
                     "performance must add to it (record a restated total with a report)")


_QUANTITY, _ONGOING = ObligationKind.QUANTITY, ObligationKind.ONGOING
_OPEN = (ObligationStatus.ACTIVE, ObligationStatus.VIOLATED,
         ObligationStatus.PARTIALLY_FULFILLED)


def _check_perform(run: Run, event: Performed) -> None:
    entry = run.ledger.get(event.obligation)
    if entry is None:
        entry = obligation(run, event, event.obligation)  # raises the refusal
    ob = entry.obligation
    # the common case, decided at once: the sole obligor delivers a plain quantity of an
    # open, uncapped duty with no parts while the deal is in force. A mutant that only
    # narrows it (sends more cases down the full checks below) decides the same: those
    # checks accept every case it accepts.
    status = entry.status
    if (event.cumulative is None and event.by is None and event.part is None
            and event.quantity >= 1  # mutate: skip[flip,const] (narrows it, see above)
            and (status is _OPEN[0]  # mutate: skip[const,swap] (narrows it, see above)
                 or status is _OPEN[1]  # mutate: skip[const] (narrows it, see above)
                 or status is _OPEN[2])
            and (ob.kind is _QUANTITY or ob.kind is _ONGOING) and not ob.parts
            and not ob.strict and ob.obligors == (event.party,)
            and run.state not in TERMINAL):
        return
    _obligor(event, entry)
    if event.by is not None:
        party(run, event, event.by, "by")
    if run.state in TERMINAL:
        live(run, event)
    status = entry.status
    kind = ob.kind
    if not status.performable:
        if status is PENDING:
            phase = run.deal.phases[run.deal.obligation_phase(ob.id)].id
            raise refuse(event, "phase-not-begun", f"{ob.id!r} cannot be performed: its "
                         f"phase {phase!r} has not begun (state is {run.state!r})")
        if status is SUSPENDED:
            raise refuse(event, "obligation-suspended", f"{ob.id!r} cannot be performed: "
                         f"{entry.suspended_by} has suspended it; resume it first")
        if status is WITHHELD:
            raise refuse(event, "obligation-withheld", f"{ob.id!r} cannot be performed: "
                         f"{entry.suspended_by} withholds it; release it first")
        if not (status.fulfilled and kind is ObligationKind.QUANTITY):
            raise refuse(event, "obligation-settled", f"{ob.id!r} cannot be performed: it "
                         f"is {status.value}")
    _check_cumulative(event, entry)
    quantity = performed_quantity(entry, event)
    if quantity < 1:
        raise refuse(event, "bad-quantity", f"quantity must be at least 1, got {quantity}")
    if kind is ObligationKind.PROHIBITION:
        raise refuse(event, "prohibition", f"{ob.id!r} is a prohibition: it is kept by not "
                     "acting; report an act against it with an 'allege' event")
    if kind is ObligationKind.ACT and not ob.parts and quantity != 1:
        raise refuse(event, "bad-quantity", f"an act is done once; quantity was {quantity}")
    _check_part(event, entry)
    if not ob.strict:
        return  # more than is owed is accepted, and shown as surplus
    cap = entry.target
    if kind is ObligationKind.QUANTITY and ob.reciprocal and cap is None:
        cap = run.owed(entry)
    if cap is not None and entry.progress + quantity > cap:
        raise refuse(event, "over-quantity", f"more than is owed: {ob.id!r} has progress "
                     f"{entry.progress} of {cap} {ob.unit} and its cap is strict; "
                     f"performing {quantity} would make {entry.progress + quantity}")


def _check_part(event: Performed, entry: LedgerEntry) -> None:
    ob = entry.obligation
    part = event.part
    if not ob.parts:
        if part is not None:
            raise refuse(event, "unknown-part", f"{ob.id!r} has no named parts; part was "
                         f"{part!r}")
        return
    if part is None:
        if ob.kind is ObligationKind.QUANTITY:
            return  # counted in the total only; naming the part counts it there too
        raise refuse(event, "part-required", f"{ob.id!r} is performed part by part: name "
                     f"one of {', '.join(ob.parts)}")
    if part not in ob.parts:
        raise refuse(event, "unknown-part", f"{ob.id!r} has no part {part!r} (parts: "
                     f"{', '.join(ob.parts)})")
    if ob.kind is ObligationKind.ACT:
        if performed_quantity(entry, event) != 1:
            raise refuse(event, "bad-quantity", f"a part of an act is done once; quantity "
                         f"was {performed_quantity(entry, event)}")
        if entry.parts_done.get(part):
            raise refuse(event, "part-done", f"part {part!r} of {ob.id!r} is done already")


def _commit_perform(run: Run, event: Performed, out: list[Record]) -> None:
    entry = run._writable(run.ledger[event.obligation])
    quantity = event.quantity if event.cumulative is None else performed_quantity(entry, event)
    entry.progress += quantity
    actor = event.by or event.party
    # the tallies are replaced, never changed in place: copies and undo snapshots share them
    tally = entry.performed_by
    entry.performed_by = {**tally, actor: tally.get(actor, 0) + quantity}
    if event.part is not None:
        done = entry.parts_done
        entry.parts_done = {**done, event.part: done.get(event.part, 0) + quantity}
    record(entry, Performance(event.day, entry.obligation.id, quantity, entry.progress,
                              entry.target, event.by, event.part,
                              event.cumulative is not None), out)
    performed(run, entry, event.day, out)


# -- withholding ------------------------------------------------------------------------
def _check_withhold(run: Run, event: Withheld) -> None:
    in_force(run, event)
    entry = obligation(run, event, event.obligation)
    _obligor(event, entry)
    ob = entry.obligation
    if ob.kind is ObligationKind.PROHIBITION:
        raise refuse(event, "prohibition", f"{ob.id!r} is a prohibition: there is no "
                     "performance to withhold")
    if not entry.status.performable:
        raise refuse(event, "not-open", f"{ob.id!r} is {entry.status.value}; only a duty "
                     "still open (active or in breach) can be withheld")
    if event.quantity is not None and event.quantity < 1:
        raise refuse(event, "bad-quantity", f"quantity must be at least 1, got "
                     f"{event.quantity}")


def _commit_withhold(run: Run, event: Withheld, out: list[Record]) -> None:
    entry = run._writable(run.ledger[event.obligation])
    entry.held_status = entry.status
    entry.status = WITHHELD
    entry.suspended_by = event.party
    record(entry, Withholding(event.day, entry.obligation.id, event.party, event.condition,
                              event.quantity), out)


def _check_release(run: Run, event: Released) -> None:
    in_force(run, event)
    entry = obligation(run, event, event.obligation)
    _obligor(event, entry)
    if entry.status is not WITHHELD:
        raise refuse(event, "not-withheld", f"{entry.obligation.id!r} is "
                     f"{entry.status.value}, not withheld")
    if entry.suspended_by != event.party:
        raise refuse(event, "not-withholder", f"only {entry.suspended_by!r}, who withholds "
                     f"{entry.obligation.id!r}, can release it; party was {event.party!r}")


def _commit_release(run: Run, event: Released, out: list[Record]) -> None:
    entry = run._writable(run.ledger[event.obligation])
    entry.status = current(entry)
    entry.held_status = None
    entry.suspended_by = None
    record(entry, WithholdingReleased(event.day, entry.obligation.id, event.party,
                                      entry.status), out)


# -- ending a standing duty early ------------------------------------------------------
def _check_end_duty(run: Run, event: DutyEnded) -> None:
    in_force(run, event)
    entry = obligation(run, event, event.obligation)
    ob = entry.obligation
    by = actors(event.by)
    for actor in by:
        party(run, event, actor, "by")
    if not ob.standing:
        raise refuse(event, "not-standing", f"{ob.id!r} is {ob.kind.value}: only a standing "
                     "duty (ongoing, prohibition) ends early; amend a one-off duty instead")
    if not (set(by) <= set(ob.obligors)):  # not a withdrawal: the power to amend ends it
        phase_id = run.deal.phases[run.deal.obligation_phase(ob.id)].id
        authorised(run, event, PowerKind.AMEND, by, phase_id)
    status = entry.status
    if status is PENDING or status.settled or status.breached:
        raise refuse(event, "obligation-settled", f"{ob.id!r} is {status.value}; only a "
                     "duty in force (active, suspended or withheld) can be ended")


def _commit_end_duty(run: Run, event: DutyEnded, out: list[Record]) -> None:
    end_duty(run, run.ledger[event.obligation], event.day,
             DutyEnd(event.day, event.obligation, actors(event.by), event.reason, True), out)


# -- ending a phase by an event ---------------------------------------------------------
def _check_end_phase(run: Run, event: PhaseEnded) -> None:
    in_force(run, event)
    if event.by is not None:
        party(run, event, event.by, "by")
    current_phase = run.phase_id
    if event.phase != current_phase:
        raise refuse(event, "not-current-phase", f"only the current phase can end: "
                     f"{event.phase!r} is not it (state is {run.state!r})")
    if run.state not in (current_phase, run.deal.phases[run.phase_index].extended_state):
        raise refuse(event, "cannot-end-phase", f"{event.phase!r} cannot be ended from "
                     f"state {run.state!r}")


def _commit_end_phase(run: Run, event: PhaseEnded, out: list[Record]) -> None:
    """The phase's time is up today: duties due by its end are judged, then its expiry
    rule applies (the next phase, if it follows, begins on this day)."""
    run.phase_end = run.day
    for oid in run._machine.due_at_end[run.phase_index]:
        entry = run.ledger[oid]
        if entry.status is not PENDING:
            run._writable(entry).due_day = run.day
    expire(run, out)


register(Performed, _check_perform, _commit_perform)
register(Withheld, _check_withhold, _commit_withhold)
register(Released, _check_release, _commit_release)
register(PhaseEnded, _check_end_phase, _commit_end_phase)
register(DutyEnded, _check_end_duty, _commit_end_duty)
