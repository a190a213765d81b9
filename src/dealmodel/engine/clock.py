"""The clock and the phase lifecycle: deadlines, entering, expiring and closing phases.

Functions of a :class:`~dealmodel.engine.run.Run`, called by the run and by the event
handlers; nothing here chooses which event applies.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from dealmodel.engine.duties import (
    anchor_day,
    anchor_reached,
    fulfil,
    judge,
    push,
    record,
    set_relative_due,
)
from dealmodel.engine.ledger import (
    _EXPIRY,
    _MILESTONE,
    _TERMINATION,
    ACTIVE,
    DISCHARGED,
    PENDING,
    SUSPENDED,
    TERMINAL,
    WITHHELD,
)
from dealmodel.engine.records import (
    Cause,
    EndCause,
    Ended,
    ExpiryDeferred,
    Record,
    StateChanged,
    StatusChanged,
    TermRenewed,
)
from dealmodel.model.phases import LIMBO_RULES, ExpiryRule

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__ = ["advance", "conclude_if_settled", "end_deal", "enter", "expire", "hand_over", "push",
           "record"]

_OPEN = (ACTIVE, SUSPENDED, WITHHELD)  # what the end of a deal discharges


# -- the clock -----------------------------------------------------------------

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
            judge(run, run.ledger[ref], due, out)
            if run.phase_end is None:
                conclude_if_settled(run, out)
        elif kind == _EXPIRY:
            if run.phase_end == due and run.phase_id == ref:
                expire(run, out)
        elif kind == _TERMINATION:
            if run.termination is not None and run.termination[0] == due + 1:
                by = run.termination[1]
                run.termination = None
                end_deal(run, "terminate", EndCause.TERMINATED, by, out)
        else:
            enter(run, 0, out)
    run.day = day


def set_state(run: Run, trigger: str, out: list[Record]) -> None:
    transition(run, trigger)
    note_state(run, trigger, out)


def transition(run: Run, trigger: str) -> None:
    """Take the lifecycle transition ``trigger`` (the caller has checked it is allowed)."""
    if not run._machine.fire(trigger, run):  # pragma: no cover - checked before
        raise AssertionError(f"{trigger} refused from {run.state}")


def note_state(run: Run, trigger: str, out: list[Record]) -> None:
    """Record the state ``trigger`` has led to, on this day."""
    run.history.append((run.state, run.day))
    out.append(StateChanged(run.day, run.state, trigger))


def enter(run: Run, index: int, out: list[Record]) -> None:
    """Enter phase ``index`` (the lifecycle transition has been chosen by the caller)."""
    set_state(run, "enter_force" if index == 0 else "advance", out)
    begin(run, index, out)


def hand_over(run: Run, out: list[Record]) -> None:
    """The current phase hands over to the next one, which the caller found ready.

    Readiness is judged as the phase stands: the transition is taken before the phase
    closes, because closing it (its standing duties kept) may change what the next
    phase's entry condition reads. The records keep their order: the duties the close
    settles, then the state it leads to.
    """
    index = run.phase_index
    transition(run, "advance")
    close_phase(run, index, out)
    note_state(run, "advance", out)
    begin(run, index + 1, out)


def begin(run: Run, index: int, out: list[Record]) -> None:
    """Phase ``index`` begins today (its state is entered): its clock, its duties."""
    phase = run.deal.phases[index]
    run.phase_index = index
    run.phase_entered = run.day
    run.extended_days = 0
    run.renewals = 0
    run.renewal_objected = ()
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
        elif ob.due_deal_day is not None:  # an absolute day; never before it is in force
            entry.due_day = max(ob.due_deal_day, run.day)
            push(run, entry.due_day, _MILESTONE, ob.id)
        elif ob.term_days is not None:  # a standing duty's own term, from today
            entry.due_day = run.day + ob.term_days - 1
            push(run, entry.due_day, _MILESTONE, ob.id)
        elif ob.due_at_phase_end:
            entry.due_day = run.phase_end  # checked when the phase expires
        elif ob.due is not None and entry.due_day is None:
            anchor = anchor_day(run, entry)
            if anchor is not None:
                set_relative_due(run, entry, anchor, out)
        # no deadline at all: open until the deal ends
    if run.phase_end is not None:
        push(run, run.phase_end, _EXPIRY, phase.id)
    anchor_reached(run, f"phase:{phase.id}", run.day, out)


def expire(run: Run, out: list[Record]) -> None:
    """The current phase's time is up: renew its term, or follow its expiry rule."""
    state = run.state
    if state.endswith(":suspended"):
        run.expiry_deferred = True
        out.append(ExpiryDeferred(run.day, run.deal.phases[run.phase_index].id))
        return
    index = run.phase_index
    phase = run.deal.phases[index]
    end = run.phase_end
    if end is not None:
        ledger = run.ledger
        for oid in run._machine.due_at_end[index]:  # due "by the end of the phase"
            entry = ledger[oid]
            if entry.due_day == end:
                judge(run, entry, end, out)
    renewal = phase.renewal
    if renewal is not None and end is not None:
        if (renewal.automatic and not run.renewal_objected
                and (renewal.max_renewals is None or run.renewals < renewal.max_renewals)):
            run.renewals += 1
            run.phase_end = end + renewal.term_days
            push(run, run.phase_end, _EXPIRY, phase.id)
            out.append(TermRenewed(run.day, phase.id, run.phase_end))
            return
        cause = EndCause.RENEWAL_OBJECTED if run.renewal_objected else EndCause.TERM_RAN_OUT
        close_phase(run, index, out)  # the term ran its course: standing duties were kept
        end_deal(run, "expire", cause, run.renewal_objected, out)
        return
    machine = run._machine
    rule = phase.on_expiry
    if index + 1 < len(run.deal.phases):
        if machine.can("advance", state) and run.phase_ready(index + 1):
            hand_over(run, out)
        elif rule in LIMBO_RULES and machine.fire("limbo", run):
            run.history.append((run.state, run.day))
            out.append(StateChanged(run.day, run.state, "limbo"))
        elif rule is ExpiryRule.EXPIRE:
            close_phase(run, index, out)
            end_deal(run, "expire", EndCause.TERM_RAN_OUT, (), out)
        else:
            cause = EndCause.LAPSE_RULE if rule is ExpiryRule.LAPSE else (
                EndCause.NO_TALKS if rule is ExpiryRule.CONTINUE_WHILE_NEGOTIATING
                else EndCause.NOT_READY)
            end_deal(run, "lapse", cause, (), out)
    elif rule is ExpiryRule.HOLD and machine.fire("limbo", run):
        run.history.append((run.state, run.day))
        out.append(StateChanged(run.day, run.state, "limbo"))
    elif rule is ExpiryRule.EXPIRE:
        close_phase(run, index, out)
        end_deal(run, "expire", EndCause.TERM_RAN_OUT, (), out)
    elif machine.can("conclude", state):
        close_phase(run, index, out)
        end_deal(run, "conclude", EndCause.LAST_PHASE_DONE, (), out)
    else:
        end_deal(run, "lapse", EndCause.LAPSE_RULE, (), out)


def end_deal(run: Run, trigger: str, cause: EndCause, by: tuple[str, ...],
             out: list[Record]) -> None:
    """End the deal by ``trigger`` (a transition into a terminal state), record how, and
    settle what is still open (see :func:`discharge`)."""
    set_state(run, trigger, out)
    ended = Ended(run.day, run.state, cause, by)
    run.end = ended
    out.append(ended)
    discharge(run, out)


def close_phase(run: Run, index: int, out: list[Record]) -> None:
    """A phase hands over: its standing duties (ongoing, prohibitions) are complete,
    except those with a term of their own (a due day or ``term_days``), which run on."""
    ledger = run.ledger
    for oid in run._machine.standing[index]:
        entry = ledger[oid]
        if entry.status not in _OPEN or entry.due_day is not None:
            continue
        if entry.status is ACTIVE:
            fulfil(run, entry, run.day, Cause.PHASE_ENDED, out)
        else:  # suspended or withheld when its phase ended
            entry = run._writable(entry)
            entry.status = DISCHARGED
            record(entry, StatusChanged(run.day, oid, DISCHARGED, Cause.PHASE_ENDED_SUSPENDED),
                   out)


def discharge(run: Run, out: list[Record]) -> None:
    """The deal has ended: every obligation still open (active, suspended or withheld) is
    discharged.

    Whatever was due before the end has been judged by its deadline already; what is
    still open at the end was not yet due, or was owed only while the deal lasted.
    """
    for entry in list(run.ledger.values()):
        if entry.status in _OPEN:
            entry = run._writable(entry)
            entry.status = DISCHARGED
            record(entry, StatusChanged(run.day, entry.obligation.id, DISCHARGED,
                                        Cause.DEAL_ENDED), out)
    run._own_mutables()
    run.negotiating.clear()


def conclude_if_settled(run: Run, out: list[Record]) -> None:
    """An open-ended last phase concludes once it has obligations and all of them are
    settled. A standing duty (ongoing, prohibition) settles only when its own term ends
    or an event ends it, so while one is in force the phase stays in force; a phase with
    no obligations concludes only by an event (``end_phase``)."""
    index = run.phase_index
    if index < 0 or run.phase_end is not None or not run._machine.can("conclude", run.state):
        return
    ledger = run.ledger
    ids = run._machine.settling[index]
    if ids and all(ledger[oid].status.settled for oid in ids):
        close_phase(run, index, out)
        end_deal(run, "conclude", EndCause.LAST_PHASE_DONE, (), out)


def in_limbo_for(run: Run, phase_id: str) -> bool:
    index = run.phase_index
    return (index >= 0 and index + 1 < len(run.deal.phases)
            and run.deal.phases[index + 1].id == phase_id
            and run.state == run.deal.phases[index].limbo_state)

