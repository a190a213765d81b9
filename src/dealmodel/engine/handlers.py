"""Event handlers: a (check, commit) pair per event class, in one registry keyed by class.

A check raises :class:`~dealmodel.errors.EventRejected` and changes nothing; a commit
changes the run and appends what changed. :meth:`Run.apply <dealmodel.engine.run.Run.apply>`
runs the check, then the commit, and restores the run if anything raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.clock import (
    conclude_if_settled,
    end_deal,
    expire,
    hand_over,
    in_limbo_for,
    set_state,
)
from dealmodel.engine.duties import current, push, record, violate
from dealmodel.engine.guards import in_force, live, next_phase, obligation, party, refuse
from dealmodel.engine.ledger import (
    _EXPIRY,
    ACTIVE,
    SUSPENDED,
    VIOLATED,
    WITHHELD,
    Allegation,
)
from dealmodel.engine.record_handlers import is_on_record, on_record
from dealmodel.engine.records import (
    AllegationOpened,
    AllegationRuled,
    AllegationStatus,
    Cause,
    EndCause,
    PhaseExtended,
    Record,
    StatusChanged,
    TalksChanged,
    TalksStatus,
    TargetChanged,
    Violated,
    Withholding,
)
from dealmodel.engine.registry import register
from dealmodel.model.events import (
    AgreementReached,
    ClockAdvanced,
    Extended,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
    actors,
)
from dealmodel.model.phases import ExpiryRule

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__ = ["check_advance"]

def _names(ids: tuple[str, ...]) -> str:
    return " and ".join(repr(i) for i in ids)


# -- the clock ---------------------------------------------------------------------------
def check_advance(run: Run, event: ClockAdvanced) -> None:
    return None


def _commit_nothing(run: Run, event: ClockAdvanced, out: list[Record]) -> None:
    return None


# -- talks -------------------------------------------------------------------------------
def _check_talks(run: Run, event: NegotiationsOpened | NegotiationsEnded | AgreementReached,
                 ) -> None:
    in_force(run, event)
    next_phase(run, event, event.phase)
    if isinstance(event, NegotiationsOpened):
        if event.phase in run.agreed:
            raise refuse(event, "already-agreed", f"{event.phase!r} is already agreed")
        if event.phase in run.negotiating:
            raise refuse(event, "talks-open", f"negotiations on {event.phase!r} are already "
                         "open (since an earlier event)")
    elif event.phase not in run.negotiating:
        raise refuse(event, "talks-not-open", f"negotiations on {event.phase!r} are not open "
                     f'(negotiating("{event.phase}") = false); add a negotiations_opened '
                     "event first")


def _commit_opened(run: Run, event: NegotiationsOpened, out: list[Record]) -> None:
    run._own_mutables()
    run.negotiating.add(event.phase)
    out.append(TalksChanged(event.day, event.phase, TalksStatus.OPENED))


def _commit_ended(run: Run, event: NegotiationsEnded, out: list[Record]) -> None:
    run._own_mutables()
    run.negotiating.discard(event.phase)
    out.append(TalksChanged(event.day, event.phase, TalksStatus.ENDED))
    if in_limbo_for(run, event.phase) and run.deal.phases[run.phase_index].on_expiry \
            is ExpiryRule.CONTINUE_WHILE_NEGOTIATING:
        end_deal(run, "lapse", EndCause.TALKS_ENDED, (), out)


def _commit_agreed(run: Run, event: AgreementReached, out: list[Record]) -> None:
    run._own_mutables()
    run.negotiating.discard(event.phase)
    run.agreed.add(event.phase)
    out.append(TalksChanged(event.day, event.phase, TalksStatus.AGREED))
    if in_limbo_for(run, event.phase) and run.phase_ready(run.phase_index + 1):
        hand_over(run, out)


# -- suspension --------------------------------------------------------------------------
def _check_suspend(run: Run, event: Suspended | Resumed) -> None:
    in_force(run, event)
    party(run, event, event.party, "party", owing=True)
    suspend = isinstance(event, Suspended)
    if event.obligation is not None:
        entry = obligation(run, event, event.obligation)
        ob = entry.obligation
        if event.party not in ob.obligors:
            raise refuse(event, "not-obligor", f"{event.party!r} cannot suspend or resume "
                         f"{ob.id!r}: it is owed by {_names(ob.obligors)}")
        if suspend and entry.status is not ACTIVE:
            raise refuse(event, "not-active", f"{ob.id!r} is {entry.status.value}, only an "
                         "active obligation can be suspended")
        if not suspend and entry.status is not SUSPENDED:
            raise refuse(event, "not-suspended", f"{ob.id!r} is {entry.status.value}, not "
                         "suspended")
        return
    if suspend:
        if not run._machine.can("suspend", run.state):
            phase = run.deal.phases[run.phase_index]
            why = ("the phase does not allow it (suspendable: false)"
                   if not phase.suspendable else f"state is {run.state!r}")
            raise refuse(event, "not-suspendable", f"the deal cannot be suspended now: {why}")
    elif not run.state.endswith(":suspended"):
        raise refuse(event, "not-suspended", f"nothing to resume: state is {run.state!r}")
    elif run.suspended_by != event.party:
        raise refuse(event, "not-suspender", f"only {run.suspended_by!r}, who suspended the "
                     f"deal, can resume it; party was {event.party!r}")


def _commit_suspend(run: Run, event: Suspended, out: list[Record]) -> None:
    if event.obligation is not None:
        entries = [run.ledger[event.obligation]]
    else:
        entries = [e for e in run.ledger.values()
                   if event.party in e.obligation.obligors and e.status is ACTIVE]
        run.suspended_from = run.state
        run.suspended_by = event.party
        set_state(run, "suspend", out)
    for entry in entries:
        entry = run._writable(entry)
        entry.held_status = entry.status
        entry.status = SUSPENDED
        entry.suspended_by = event.party
        record(entry, StatusChanged(event.day, entry.obligation.id, SUSPENDED,
                                    Cause.SUSPENDED, event.party), out)


def _commit_resume(run: Run, event: Resumed, out: list[Record]) -> None:
    if event.obligation is not None:
        entries = [run.ledger[event.obligation]]
    else:
        entries = [e for e in run.ledger.values()
                   if e.status is SUSPENDED and e.suspended_by == event.party]
        set_state(run, "resume", out)
        run.suspended_from = run.suspended_by = None
    for entry in entries:
        entry = run._writable(entry)
        entry.status = current(entry)  # active, or the breach a deadline found meanwhile
        entry.held_status = None
        entry.suspended_by = None
        record(entry, StatusChanged(event.day, entry.obligation.id, entry.status,
                                    Cause.RESUMED, event.party), out)
    if event.obligation is not None:
        return
    if run.expiry_deferred:
        run.expiry_deferred = False
        expire(run, out)
        return
    phases = run.deal.phases
    nxt = run.phase_index + 1
    if nxt < len(phases) and in_limbo_for(run, phases[nxt].id):
        if run.phase_ready(nxt):  # agreed while the deal was suspended in limbo
            hand_over(run, out)
        elif (phases[run.phase_index].on_expiry is ExpiryRule.CONTINUE_WHILE_NEGOTIATING
              and phases[nxt].id not in run.negotiating
              and phases[nxt].id not in run.agreed):  # agreed, waiting on its condition
            # talks ended while the deal was suspended in limbo: nothing holds it now
            end_deal(run, "lapse", EndCause.TALKS_ENDED, (), out)
    elif run.phase_end is None:
        conclude_if_settled(run, out)  # its duties were settled while it was suspended


# -- extension ---------------------------------------------------------------------------
def _check_extend(run: Run, event: Extended) -> None:
    in_force(run, event)
    phase = run.deal.phases[run.phase_index]
    ext = phase.extension
    if ext is None:
        raise refuse(event, "no-extension-clause", f"phase {phase.id!r} has no extension "
                     "clause")
    by = actors(event.by)
    granted = ext.granted_by
    if ext.jointly and not set(granted) <= set(by):
        raise refuse(event, "no-power", f"extending {phase.id!r} takes all of "
                     f"{', '.join(granted)} jointly; by was {', '.join(by)}")
    if not set(by) <= set(granted):
        raise refuse(event, "no-power", f"{', '.join(a for a in by if a not in granted)!s} "
                     f"holds no power to extend {phase.id!r} (granted to: "
                     f"{', '.join(granted)})")
    if not run._machine.can("extend", run.state):
        raise refuse(event, "cannot-extend", f"{phase.id!r} cannot be extended from state "
                     f"{run.state!r}")
    if event.days < 1:
        raise refuse(event, "bad-quantity", f"days must be at least 1, got {event.days}")
    if ext.max_days_each is not None and event.days > ext.max_days_each:
        raise refuse(event, "over-maximum", f"extension beyond the maximum per extension: "
                     f"{event.days} > max_days_each {ext.max_days_each}")
    if ext.max_days is not None and run.extended_days + event.days > ext.max_days:
        raise refuse(event, "over-maximum", f"extension beyond the maximum: "
                     f"{run.extended_days} day(s) used + {event.days} > max_days "
                     f"{ext.max_days}")
    assert run.phase_end is not None
    if run.phase_end + event.days < run.day:
        raise refuse(event, "cannot-extend", f"the extended end, day "
                     f"{run.phase_end + event.days}, has passed too (today is day {run.day})")


def _commit_extend(run: Run, event: Extended, out: list[Record]) -> None:
    assert run.phase_end is not None
    phase = run.deal.phases[run.phase_index]
    assert phase.extension is not None
    run.extended_days += event.days
    run.phase_end += event.days
    set_state(run, "extend", out)
    out.append(PhaseExtended(event.day, phase.id, event.days, run.phase_end,
                             actors(event.by)))
    for ob_id, per_day in phase.extension.per_day:
        entry = run._writable(run.ledger[ob_id])
        entry.target = (entry.target or 0) + per_day * event.days
        if entry.status.fulfilled:  # owed more now: judged again (a past breach is kept)
            entry.status = ACTIVE
            entry.fulfilled_day = None
        record(entry, TargetChanged(event.day, ob_id, entry.target), out)
    for oid in run._machine.due_at_end[run.phase_index]:
        entry = run.ledger[oid]
        if entry.due_day is not None:
            run._writable(entry).due_day = run.phase_end
    push(run, run.phase_end, _EXPIRY, phase.id)


# -- allegations and rulings ------------------------------------------------------------
def _check_allege(run: Run, event: ViolationAlleged) -> None:
    in_force(run, event)
    party(run, event, event.by, "by")
    party(run, event, event.against, "against")  # any actor, a non-signatory included
    if event.by == event.against:
        raise refuse(event, "self-allegation", f"{event.by!r} cannot allege a violation "
                     "against itself")
    if event.obligation is not None:
        entry = obligation(run, event, event.obligation)
        if event.against not in entry.obligation.obligors:
            raise refuse(event, "wrong-obligor", f"{entry.obligation.id!r} is owed by "
                         f"{_names(entry.obligation.obligors)}, not {event.against!r}")
    if event.refers_to is not None and not is_on_record(run, event.refers_to):
        known = ", ".join(r.id for r in on_record(run)[:10]) or "none yet"
        raise refuse(event, "unknown-record", f"nothing on record with id "
                     f"{event.refers_to!r} (on record: {known})")


def _commit_allege(run: Run, event: ViolationAlleged, out: list[Record]) -> None:
    withheld_from = None
    if event.obligation is not None:  # pointing at a performance the accused withholds
        entry = run.ledger[event.obligation]
        if entry.status is WITHHELD and entry.suspended_by == event.against:
            withheld_from = next(r.day for r in reversed(entry.history)
                                 if isinstance(r, Withholding))
    allegation = Allegation(f"A{len(run.allegations) + 1}", event.day, event.by, event.against,
                            event.obligation, event.evidence, withheld_from=withheld_from,
                            refers_to=event.refers_to)
    run.allegations.append(allegation)
    out.append(AllegationOpened(event.day, allegation.id))


def _check_rule(run: Run, event: Ruling) -> None:
    party(run, event, event.by, "by")
    actor = run.deal.party(event.by)
    if not actor.rules:
        raise refuse(event, "party-cannot-rule", f"{event.by!r} is a {actor.role_text}; "
                     "only a mediator, guarantor, monitor or joint body can rule on an "
                     "allegation")
    found = run.allegation(event.allegation)
    if found is None:
        known = ", ".join(a.id for a in run.allegations[:10]) or "none yet"
        more = ", ..." if len(run.allegations) > 10 else ""
        raise refuse(event, "unknown-allegation", f"unknown allegation {event.allegation!r} "
                     f"(allegations: {known}{more})")
    if found.against == event.by:
        raise refuse(event, "own-case", f"{event.by!r} cannot rule on allegation "
                     f"{event.allegation!r}: it is made against {event.by!r} (an actor "
                     "holding several roles rules only on others' cases)")
    if found.status is not AllegationStatus.OPEN:
        raise refuse(event, "already-ruled", f"allegation {event.allegation!r} was already "
                     f"{found.status.value} on day {found.ruled_day}")


def _commit_rule(run: Run, event: Ruling, out: list[Record]) -> None:
    allegation = run._writable_allegation(event.allegation)
    allegation.status = AllegationStatus.UPHELD if event.upheld else AllegationStatus.DISMISSED
    allegation.ruled_by = event.by
    allegation.ruled_day = event.day
    out.append(AllegationRuled(event.day, allegation.id, allegation.status, event.by))
    if event.upheld and allegation.obligation is not None:
        entry = run.ledger[allegation.obligation]
        if current(entry) is not VIOLATED:
            violate(run, entry, Violated(event.day, entry.obligation.id,
                                         allegation=allegation.id, ruled_by=event.by), out)


# -- the end by force --------------------------------------------------------------------
def _check_hostilities(run: Run, event: HostilitiesResumed) -> None:
    live(run, event)
    if event.by is not None:
        party(run, event, event.by, "by", parties_only=True)


def _commit_hostilities(run: Run, event: HostilitiesResumed, out: list[Record]) -> None:
    end_deal(run, "collapse", EndCause.HOSTILITIES, (event.by,) if event.by else (), out)


register(ClockAdvanced, check_advance, _commit_nothing)
register(NegotiationsOpened, _check_talks, _commit_opened)
register(NegotiationsEnded, _check_talks, _commit_ended)
register(AgreementReached, _check_talks, _commit_agreed)
register(Suspended, _check_suspend, _commit_suspend)
register(Resumed, _check_suspend, _commit_resume)
register(Extended, _check_extend, _commit_extend)
register(ViolationAlleged, _check_allege, _commit_allege)
register(Ruling, _check_rule, _commit_rule)
register(HostilitiesResumed, _check_hostilities, _commit_hostilities)
