"""Handlers of the events that exercise a power over the deal itself.

``terminate`` (with notice), ``amend`` (move a deadline or a quantity, also after it
passed), ``renew`` and ``object_renewal`` (terms that renew), and ``declare`` (a
declaration, e.g. by a mediator that the next phase has begun). Each checks that its
authors hold the power (see :mod:`dealmodel.model.powers`) and names the missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.clock import end_deal, hand_over
from dealmodel.engine.duties import current, fulfil, judge, push, record
from dealmodel.engine.guards import in_force, obligation, party, refuse
from dealmodel.engine.ledger import (
    _EXPIRY,
    _MILESTONE,
    _TERMINATION,
    ACTIVE,
    PENDING,
)
from dealmodel.engine.records import (
    Amendment,
    Cause,
    Declaration,
    DutyRenewed,
    EndCause,
    Record,
    RenewalObjection,
    StatusChanged,
    TerminationNotice,
    TermRenewed,
)
from dealmodel.engine.registry import register
from dealmodel.model.events import (
    Amended,
    Declared,
    Event,
    RenewalObjected,
    Renewed,
    Terminated,
    actors,
)
from dealmodel.model.obligations import ObligationKind
from dealmodel.model.powers import Power, PowerKind

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__: list[str] = []


def authorised(run: Run, event: Event, kind: PowerKind, by: tuple[str, ...],
               phase_id: str | None) -> Power:
    """The power of ``kind`` that ``by`` exercises in ``phase_id``; refuses otherwise."""
    for actor in by:
        party(run, event, actor, "by")
    deal = run.deal
    powers = deal.powers_of(kind, phase_id)
    for power in powers:
        holders = deal.holders(power)
        if (power.jointly and set(holders) <= set(by)) or (
                not power.jointly and set(by) <= set(holders)):
            return power
    where = f" in {phase_id}" if phase_id else ""
    if not powers:
        raise refuse(event, "no-power", f"no clause grants the power to {kind.value}{where}; "
                     f"declare it under powers: in the deal (power: {kind.value})")
    held = "; ".join(p.describe() for p in powers)
    raise refuse(event, "no-power", f"{' and '.join(by)} does not hold the power to "
                 f"{kind.value}{where} (granted: {held})")


# -- terminate --------------------------------------------------------------------------
def _check_terminate(run: Run, event: Terminated) -> None:
    in_force(run, event)
    authorised(run, event, PowerKind.TERMINATE, actors(event.by), run.phase_id)
    if event.notice_days < 0:
        raise refuse(event, "bad-quantity", f"notice_days must be at least 0, got "
                     f"{event.notice_days}")
    if run.termination is not None:
        raise refuse(event, "already-terminating", f"a termination already takes effect on "
                     f"day {run.termination[0]}")


def _commit_terminate(run: Run, event: Terminated, out: list[Record]) -> None:
    by = actors(event.by)
    power = authorised(run, event, PowerKind.TERMINATE, by, run.phase_id)
    notice = max(event.notice_days, power.notice_days)
    if notice == 0:
        end_deal(run, "terminate", EndCause.TERMINATED, by, out)
        return
    effective = event.day + notice
    run.termination = (effective, by)
    push(run, effective - 1, _TERMINATION, "")
    out.append(TerminationNotice(event.day, by, effective))


# -- amend ------------------------------------------------------------------------------
def _check_amend(run: Run, event: Amended) -> None:
    in_force(run, event)
    entry = obligation(run, event, event.obligation)
    phase_id = run.deal.phases[run.deal.obligation_phase(entry.id)].id
    authorised(run, event, PowerKind.AMEND, actors(event.by), phase_id)
    if event.due_day is None and event.quantity is None:
        raise refuse(event, "bad-quantity", "an amendment changes due_day or quantity; "
                     "give one")
    if event.due_day is not None and event.due_day < 1:
        raise refuse(event, "bad-quantity", f"due_day must be at least 1, got {event.due_day}")
    if event.quantity is not None and event.quantity < 1:
        raise refuse(event, "bad-quantity", f"quantity must be at least 1, got "
                     f"{event.quantity}")
    if entry.obligation.kind is ObligationKind.PROHIBITION:
        raise refuse(event, "prohibition", f"{entry.id!r} is a prohibition: it has no "
                     "deadline or quantity to amend")
    if entry.obligation.kind is ObligationKind.ACT and event.quantity is not None:
        raise refuse(event, "bad-quantity", f"{entry.id!r} is an act: it is done once (or "
                     "part by part), so it has no quantity to amend; amend its due_day")
    if entry.status.value in ("pending", "discharged"):
        raise refuse(event, "obligation-settled", f"{entry.id!r} is {entry.status.value}; "
                     "only a duty in force can be amended")


def _commit_amend(run: Run, event: Amended, out: list[Record]) -> None:
    entry = run._writable(run.ledger[event.obligation])
    old_due, old_target = entry.due_day, entry.target
    if event.due_day is not None:
        entry.due_day = event.due_day
        # milestones still ahead give way to the new final deadline
        entry.milestones = tuple(m for m in entry.milestones if m[0] < run.day)
    if event.quantity is not None:
        entry.target = event.quantity
    record(entry, Amendment(event.day, entry.id, actors(event.by), old_due, entry.due_day,
                            old_target, entry.target), out)
    needed = run.owed(entry) if entry.obligation.reciprocal else entry.target
    met = entry.progress >= (needed or 1) if entry.obligation.kind is not ObligationKind.ACT \
        else entry.progress >= 1
    if entry.status.breached:  # judged again against the new terms
        if met:  # met as amended: fulfilled (the breach of the old terms stays recorded)
            fulfil(run, entry, event.day, Cause.PERFORMED, out, late=False)
        elif entry.due_day is None or entry.due_day >= run.day:
            # judged against the new deadline from now on; the old breach stays in the
            # history (a Violated record and the Amendment)
            entry.status = ACTIVE
            entry.violated_day = None
            record(entry, StatusChanged(event.day, entry.id, ACTIVE, Cause.AMENDED,
                                        actors(event.by)[0]), out)
    elif entry.status is ACTIVE and met and entry.obligation.kind is not ObligationKind.ONGOING:
        fulfil(run, entry, event.day, Cause.PERFORMED, out)
    # a suspended or withheld duty's new deadline still runs (it records a breach)
    if current(entry) is ACTIVE and entry.due_day is not None:
        if entry.due_day < run.day:  # the new deadline has passed as well: judge it now
            judge(run, entry, entry.due_day, out)
        else:
            push(run, entry.due_day, _MILESTONE, entry.id)


# -- renewal ----------------------------------------------------------------------------
def _check_renewal(run: Run, event: Renewed | RenewalObjected) -> None:
    in_force(run, event)
    if event.obligation is not None:
        _check_duty_renewal(run, event, event.obligation)
        return
    phase = run.deal.phases[run.phase_index]
    renewal = phase.renewal
    if renewal is None or run.phase_end is None:
        raise refuse(event, "no-renewal-clause", f"phase {phase.id!r} has no renewal clause")
    if run.state not in (phase.id, phase.extended_state):
        raise refuse(event, "cannot-renew", f"the term cannot be renewed or objected to from "
                     f"state {run.state!r}")
    by = actors(event.by)
    if isinstance(event, RenewalObjected):
        if run.deal.powers_of(PowerKind.OBJECT_RENEWAL, phase.id):
            authorised(run, event, PowerKind.OBJECT_RENEWAL, by, phase.id)
        else:  # "renews unless a party objects": every party may object
            for actor in by:
                party(run, event, actor, "by", parties_only=True)
        last = run.phase_end - renewal.notice_days
        if event.day > last:
            raise refuse(event, "late-objection", f"an objection to renewal must come by day "
                         f"{last} ({renewal.notice_days} days' notice before the term ends "
                         f"on day {run.phase_end})")
        return
    authorised(run, event, PowerKind.RENEW, by, phase.id)
    if renewal.max_renewals is not None and run.renewals >= renewal.max_renewals:
        raise refuse(event, "over-maximum", f"the term has been renewed {run.renewals} "
                     f"time(s), the most the clause allows")


def _check_duty_renewal(run: Run, event: Renewed | RenewalObjected, oid: str) -> None:
    """Renewing a standing duty's own term, or objecting to its automatic renewal."""
    entry = obligation(run, event, oid)
    ob = entry.obligation
    renewal = ob.renewal
    if not ob.standing:
        raise refuse(event, "not-standing", f"{oid!r} is {ob.kind.value}: only a standing "
                     "duty (ongoing, prohibition) has a term to renew")
    if renewal is None or entry.due_day is None:
        raise refuse(event, "no-term", f"{oid!r} has no renewal clause (renewal: under the "
                     "obligation)")
    status = entry.status
    if status is PENDING or status.settled or status.breached:
        raise refuse(event, "obligation-settled", f"{oid!r} is {status.value}; only a duty in "
                     "force has a term to renew")
    by = actors(event.by)
    phase_id = run.deal.phases[run.deal.obligation_phase(oid)].id
    if isinstance(event, RenewalObjected):
        if run.deal.powers_of(PowerKind.OBJECT_RENEWAL, phase_id):
            authorised(run, event, PowerKind.OBJECT_RENEWAL, by, phase_id)
        elif not set(by) <= set(ob.obligors):  # "renews unless an obligor objects"
            raise refuse(event, "no-power", f"only {' or '.join(ob.obligors)} (who owe "
                         f"{oid!r}) may object to its renewal, unless a power says who")
        last = entry.due_day - renewal.notice_days
        if event.day > last:
            raise refuse(event, "late-objection", f"an objection to renewing {oid!r} must "
                         f"come by day {last} ({renewal.notice_days} days' notice before its "
                         f"term ends on day {entry.due_day})")
        return
    authorised(run, event, PowerKind.RENEW, by, phase_id)
    if renewal.max_renewals is not None and entry.renewals >= renewal.max_renewals:
        raise refuse(event, "over-maximum", f"{oid!r} has been renewed {entry.renewals} "
                     "time(s), the most its clause allows")


def _commit_renew(run: Run, event: Renewed, out: list[Record]) -> None:
    if event.obligation is not None:
        entry = run._writable(run.ledger[event.obligation])
        renewal = entry.obligation.renewal
        assert renewal is not None and entry.due_day is not None
        entry.renewals += 1
        entry.renewal_objected = ()
        entry.due_day += renewal.term_days
        push(run, entry.due_day, _MILESTONE, entry.id)
        record(entry, DutyRenewed(event.day, entry.id, entry.due_day, actors(event.by)), out)
        return
    phase = run.deal.phases[run.phase_index]
    assert phase.renewal is not None and run.phase_end is not None
    run.renewals += 1
    run.renewal_objected = ()
    run.phase_end += phase.renewal.term_days
    push(run, run.phase_end, _EXPIRY, phase.id)
    out.append(TermRenewed(event.day, phase.id, run.phase_end, actors(event.by)))


def _commit_object(run: Run, event: RenewalObjected, out: list[Record]) -> None:
    if event.obligation is not None:
        entry = run._writable(run.ledger[event.obligation])
        entry.renewal_objected = actors(event.by)
        phase_id = run.deal.phases[run.deal.obligation_phase(entry.id)].id
        record(entry, RenewalObjection(event.day, phase_id, actors(event.by), entry.id), out)
        return
    run.renewal_objected = actors(event.by)
    out.append(RenewalObjection(event.day, run.deal.phases[run.phase_index].id,
                                actors(event.by)))


# -- declarations -----------------------------------------------------------------------
def _check_declare(run: Run, event: Declared) -> None:
    in_force(run, event)
    by = actors(event.by)
    if event.phase is None:
        for actor in by:
            party(run, event, actor, "by")
        return
    deal = run.deal
    nxt = run.phase_index + 1
    if event.phase not in {p.id for p in deal.phases}:
        raise refuse(event, "unknown-phase", f"unknown phase {event.phase!r}")
    if nxt >= len(deal.phases) or deal.phases[nxt].id != event.phase:
        raise refuse(event, "not-next-phase", f"only the next phase can be declared begun; "
                     f"{event.phase!r} is not next (state is {run.state!r})")
    authorised(run, event, PowerKind.DECLARE, by, run.phase_id)
    if not run._machine.can("advance", run.state):
        raise refuse(event, "cannot-advance", f"the next phase cannot begin from state "
                     f"{run.state!r}")
    condition = deal.phases[nxt].entry_condition
    if condition is not None and not condition.evaluate(run):
        raise refuse(event, "entry-condition", f"{event.phase!r} cannot begin: its entry "
                     f"condition {condition.source!r} is false ({condition.explain(run)})")


def _commit_declare(run: Run, event: Declared, out: list[Record]) -> None:
    out.append(Declaration(event.day, actors(event.by), event.statement, event.phase))
    if event.phase is not None:  # the declaration stands for the agreement it reports
        run._own_mutables()
        run.agreed.add(event.phase)
        run.negotiating.discard(event.phase)
        hand_over(run, out)


register(Terminated, _check_terminate, _commit_terminate)
register(Amended, _check_amend, _commit_amend)
register(Renewed, _check_renewal, _commit_renew)
register(RenewalObjected, _check_renewal, _commit_object)
register(Declared, _check_declare, _commit_declare)
