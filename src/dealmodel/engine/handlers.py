"""Event handlers: a (check, commit) pair per event class, in one registry keyed by class.

A check raises :class:`~dealmodel.errors.EventRejected` and changes nothing; a commit
changes the run and appends what changed. :meth:`Run.apply <dealmodel.engine.run.Run.apply>`
runs the check, then the commit, and restores the run if anything raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dealmodel.engine.clock import (
    close_phase,
    conclude_if_settled,
    discharge,
    enter,
    expire,
    in_limbo_for,
    push,
    set_state,
    violate,
)
from dealmodel.engine.ledger import (
    _EXPIRY,
    ACTIVE,
    FULFILLED,
    PENDING,
    SUSPENDED,
    TERMINAL,
    VIOLATED,
    Allegation,
)
from dealmodel.model.actors import Role
from dealmodel.model.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    Extended,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
)
from dealmodel.model.obligations import ObligationKind

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__ = ["HANDLERS", "check_advance", "commit_perform"]


# -- handlers: (check, commit) per event type -------------------------------------------
def check_advance(run: Run, event: Event) -> None:
    return None


def _commit_nothing(run: Run, event: Event, changes: list[str]) -> None:
    return None


def _check_perform(run: Run, event: Performed) -> None:
    entry = run.ledger.get(event.obligation)
    if entry is None:
        raise run._refuse(event, f"unknown obligation {event.obligation!r} in {run.deal.id}")
    if run.state in TERMINAL:
        run._live(event)
    ob = entry.obligation
    if event.party != ob.obligor:
        raise run._refuse(event, f"only {ob.obligor!r} can perform {ob.id!r}; "
                          f"party was {event.party!r}")
    status = entry.status
    if status is not ACTIVE and status is not VIOLATED:
        if status is PENDING:
            phase = run.deal.phases[run.deal.obligation_phase(ob.id)].id
            why = f"its phase {phase!r} has not begun (state is {run.state!r})"
        elif status is SUSPENDED:
            why = f"{entry.suspended_by} has suspended it; resume it first"
        else:
            why = f"it is {status.value}"
        raise run._refuse(event, f"{ob.id!r} cannot be performed: {why}")
    quantity = event.quantity
    if quantity < 1:
        raise run._refuse(event, f"quantity must be at least 1, got {quantity}")
    kind = ob.kind
    if kind is ObligationKind.PROHIBITION:
        raise run._refuse(event, f"{ob.id!r} is a prohibition: it is kept by not acting; "
                          "report an act against it with an 'allege' event")
    cap = entry.target
    if kind is ObligationKind.QUANTITY and ob.reciprocal and cap is None:
        cap = run.owed(entry)
    if cap is not None and entry.progress + quantity > cap:
        raise run._refuse(event, f"more than is owed: {ob.id!r} has progress "
                          f"{entry.progress} of {cap} {ob.unit}, performing {quantity} "
                          f"would make {entry.progress + quantity}")


def commit_perform(run: Run, event: Performed, changes: list[str]) -> tuple[int, int | None]:
    entry = run.ledger[event.obligation]
    if event.obligation not in run._owned:  # inlined: the common case owns it already
        entry = run._writable(entry)
    entry.progress += event.quantity
    target = entry.target
    entry.history.append((event.day, event.quantity))
    if (target is not None and entry.progress >= target and entry.status is ACTIVE
            and entry.obligation.kind is not ObligationKind.ONGOING):
        entry.status = FULFILLED
        entry.history.append((event.day, "fulfilled"))
        changes.append(f"{entry.obligation.id} fulfilled")
        if run.phase_end is None:
            conclude_if_settled(run, changes)
    return entry.progress, target


def _check_negotiations(run: Run, event: Event) -> None:
    assert isinstance(event, (NegotiationsOpened, NegotiationsEnded, AgreementReached))
    run._in_force(event)
    run._next_phase(event, event.phase)
    if isinstance(event, NegotiationsOpened):
        if event.phase in run.agreed:
            raise run._refuse(event, f"{event.phase!r} is already agreed")
        if event.phase in run.negotiating:
            raise run._refuse(event, f"negotiations on {event.phase!r} are already open "
                              "(since an earlier event)")
    elif event.phase not in run.negotiating:
        raise run._refuse(event, f"negotiations on {event.phase!r} are not open "
                          "(negotiating(\"{0}\") = false); add a negotiations_opened event "
                          "first".format(event.phase))


def _commit_opened(run: Run, event: Event, changes: list[str]) -> None:
    run.negotiating.add(event.phase)  # type: ignore[attr-defined]
    changes.append(f"negotiating {event.phase}")  # type: ignore[attr-defined]


def _commit_ended(run: Run, event: Event, changes: list[str]) -> None:
    run.negotiating.discard(event.phase)  # type: ignore[attr-defined]
    changes.append(f"talks on {event.phase} ended")  # type: ignore[attr-defined]
    if in_limbo_for(run, event.phase):  # type: ignore[attr-defined]
        set_state(run, "lapse", changes)
        discharge(run, changes)


def _commit_agreed(run: Run, event: Event, changes: list[str]) -> None:
    phase_id = event.phase  # type: ignore[attr-defined]
    run.negotiating.discard(phase_id)
    run.agreed.add(phase_id)
    changes.append(f"{phase_id} agreed")
    if in_limbo_for(run, phase_id) and run.phase_ready(run.phase_index + 1):
        close_phase(run, run.phase_index, changes)
        enter(run, run.phase_index + 1, changes)


def _check_suspend(run: Run, event: Event) -> None:
    assert isinstance(event, (Suspended, Resumed))
    run._in_force(event)
    run._party(event, event.party, "party", parties_only=True)
    suspend = isinstance(event, Suspended)
    if event.obligation is not None:
        entry = run._obligation(event, event.obligation)
        if entry.obligation.obligor != event.party:
            raise run._refuse(event, f"{event.party!r} cannot suspend or resume "
                              f"{entry.obligation.id!r}: it is owed by "
                              f"{entry.obligation.obligor!r}")
        if suspend and entry.status is not ACTIVE:
            raise run._refuse(event, f"{entry.obligation.id!r} is {entry.status.value}, "
                              "only an active obligation can be suspended")
        if not suspend and entry.status is not SUSPENDED:
            raise run._refuse(event, f"{entry.obligation.id!r} is {entry.status.value}, "
                              "not suspended")
        return
    if suspend:
        if not run._machine.can("suspend", run.state):
            phase = run.deal.phases[run.phase_index]
            why = ("the phase does not allow it (suspendable: false)"
                   if not phase.suspendable else f"state is {run.state!r}")
            raise run._refuse(event, f"the deal cannot be suspended now: {why}")
    elif not run.state.endswith(":suspended"):
        raise run._refuse(event, f"nothing to resume: state is {run.state!r}")
    elif run.suspended_by != event.party:
        raise run._refuse(event, f"only {run.suspended_by!r}, who suspended the deal, can "
                          f"resume it; party was {event.party!r}")


def _commit_suspend(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Suspended)
    if event.obligation is not None:
        entries = [run.ledger[event.obligation]]
    else:
        entries = [e for e in run.ledger.values()
                   if e.obligation.obligor == event.party and e.status is ACTIVE]
        run.suspended_from = run.state
        run.suspended_by = event.party
        set_state(run, "suspend", changes)
    for entry in entries:
        entry = run._writable(entry)
        entry.status = SUSPENDED
        entry.suspended_by = event.party
        entry.history.append((event.day, f"suspended by {event.party}"))
        changes.append(f"{entry.obligation.id} suspended")


def _commit_resume(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Resumed)
    if event.obligation is not None:
        entries = [run.ledger[event.obligation]]
    else:
        entries = [e for e in run.ledger.values()
                   if e.status is SUSPENDED and e.suspended_by == event.party]
        set_state(run, "resume", changes)
        run.suspended_from = run.suspended_by = None
    for entry in entries:
        entry = run._writable(entry)
        entry.status = ACTIVE
        entry.suspended_by = None
        entry.history.append((event.day, f"resumed by {event.party}"))
        changes.append(f"{entry.obligation.id} resumed")
    if run.expiry_deferred and event.obligation is None:
        run.expiry_deferred = False
        expire(run, changes)


def _check_extend(run: Run, event: Event) -> None:
    assert isinstance(event, Extended)
    run._in_force(event)
    phase = run.deal.phases[run.phase_index]
    ext = phase.extension
    if ext is None:
        raise run._refuse(event, f"phase {phase.id!r} has no extension clause")
    if event.by not in ext.granted_by:
        raise run._refuse(event, f"{event.by!r} holds no power to extend {phase.id!r} "
                          f"(granted to: {', '.join(ext.granted_by)})")
    if not run._machine.can("extend", run.state):
        raise run._refuse(event, f"{phase.id!r} cannot be extended from state {run.state!r}")
    if event.days < 1:
        raise run._refuse(event, f"days must be at least 1, got {event.days}")
    if run.extended_days + event.days > ext.max_days:
        raise run._refuse(event, f"extension beyond the maximum: {run.extended_days} day(s) "
                          f"used + {event.days} > max_days {ext.max_days}")


def _commit_extend(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Extended) and run.phase_end is not None
    phase = run.deal.phases[run.phase_index]
    assert phase.extension is not None
    run.extended_days += event.days
    run.phase_end += event.days
    set_state(run, "extend", changes)
    for ob_id, per_day in phase.extension.per_day:
        entry = run._writable(run.ledger[ob_id])
        entry.target = (entry.target or 0) + per_day * event.days
        if entry.status is FULFILLED:
            entry.status = ACTIVE
        changes.append(f"{ob_id} target -> {entry.target}")
    for oid in run._machine.due_at_end[run.phase_index]:
        entry = run.ledger[oid]
        if entry.due_day is not None:
            run._writable(entry).due_day = run.phase_end
    push(run, run.phase_end, _EXPIRY, phase.id)


def _check_allege(run: Run, event: Event) -> None:
    assert isinstance(event, ViolationAlleged)
    run._in_force(event)
    run._party(event, event.by, "by")
    run._party(event, event.against, "against", parties_only=True)
    if event.by == event.against:
        raise run._refuse(event, f"{event.by!r} cannot allege a violation against itself")
    if event.obligation is not None:
        entry = run._obligation(event, event.obligation)
        if entry.obligation.obligor != event.against:
            raise run._refuse(event, f"{entry.obligation.id!r} is owed by "
                              f"{entry.obligation.obligor!r}, not {event.against!r}")


def _commit_allege(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, ViolationAlleged)
    allegation = Allegation(f"A{len(run.allegations) + 1}", event.day, event.by, event.against,
                            event.obligation, event.evidence)
    run.allegations.append(allegation)
    changes.append(f"allegation {allegation.id} open")


def _check_rule(run: Run, event: Event) -> None:
    assert isinstance(event, Ruling)
    run._party(event, event.by, "by")
    if run.deal.party(event.by).role is Role.PARTY:
        raise run._refuse(event, f"{event.by!r} is a party; only a mediator, guarantor or "
                          "monitor can rule on an allegation")
    found = [a for a in run.allegations if a.id == event.allegation]
    if not found:
        known = ", ".join(a.id for a in run.allegations) or "none yet"
        raise run._refuse(event, f"unknown allegation {event.allegation!r} (allegations: "
                          f"{known})")
    if found[0].status != "open":
        raise run._refuse(event, f"allegation {event.allegation!r} was already "
                          f"{found[0].status} on day {found[0].ruled_day}")


def _commit_rule(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Ruling)
    allegation = next(a for a in run.allegations if a.id == event.allegation)
    allegation.status = "upheld" if event.upheld else "dismissed"
    allegation.ruled_by = event.by
    allegation.ruled_day = event.day
    changes.append(f"allegation {allegation.id} {allegation.status}")
    if event.upheld and allegation.obligation is not None:
        entry = run.ledger[allegation.obligation]
        if entry.status is not VIOLATED:
            violate(run, entry, event.day, f"allegation {allegation.id} upheld by {event.by}",
                         changes)


def _check_hostilities(run: Run, event: Event) -> None:
    assert isinstance(event, HostilitiesResumed)
    run._live(event)
    if event.by is not None:
        run._party(event, event.by, "by", parties_only=True)


def _commit_hostilities(run: Run, event: Event, changes: list[str]) -> None:
    set_state(run, "collapse", changes)
    discharge(run, changes)


# Each handler takes its own event class; the table is keyed by that class.
HANDLERS: dict[type[Event], tuple[Callable[..., None], Callable[..., Any]]] = {
    ClockAdvanced: (check_advance, _commit_nothing),
    Performed: (_check_perform, commit_perform),
    NegotiationsOpened: (_check_negotiations, _commit_opened),
    NegotiationsEnded: (_check_negotiations, _commit_ended),
    AgreementReached: (_check_negotiations, _commit_agreed),
    Suspended: (_check_suspend, _commit_suspend),
    Resumed: (_check_suspend, _commit_resume),
    Extended: (_check_extend, _commit_extend),
    ViolationAlleged: (_check_allege, _commit_allege),
    Ruling: (_check_rule, _commit_rule),
    HostilitiesResumed: (_check_hostilities, _commit_hostilities),
}
