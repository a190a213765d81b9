"""Refusals: the checks every handler shares, each refusal with a machine-readable code.

A refusal is an :class:`~dealmodel.errors.EventRejected` with a ``code`` (one of
:data:`CODES`, e.g. ``not-obligor``) and a one-sentence ``reason`` naming the values
it saw, so refusals can be counted by cause and still read well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealmodel.engine.ledger import TERMINAL, LedgerEntry
from dealmodel.engine.registry import HANDLERS, Handler
from dealmodel.errors import EventRejected
from dealmodel.model.events import Event

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__ = ["CODES", "refuse"]

#: Every refusal code, with what it means.
CODES: dict[str, str] = {
    "before-clock": "the event is dated before the run's clock",
    "unknown-event": "the engine has no handler for this event class",
    "unknown-obligation": "no obligation with that id in the deal",
    "unknown-party": "no party or mediator with that id in the deal",
    "unknown-phase": "no phase with that id in the deal",
    "unknown-allegation": "no allegation with that id in the run",
    "not-a-party": "the actor named is not a party (a mediator, guarantor, monitor, joint "
                   "body or non-signatory)",
    "not-obligor": "only the obligor can do this to the obligation",
    "phase-not-begun": "the obligation's phase has not begun",
    "obligation-suspended": "the obligation is suspended",
    "obligation-settled": "the obligation is settled already",
    "obligation-withheld": "the obligation is withheld; release it first",
    "over-quantity": "more than is owed, and the obligation's cap is strict",
    "unknown-part": "the obligation has no part of that name",
    "part-required": "the obligation is performed part by part; name the part",
    "part-done": "that part of the act is done already",
    "not-open": "only an open duty (active or in breach) can be withheld",
    "not-withheld": "nothing to release: the obligation is not withheld",
    "not-withholder": "only who withholds an obligation can release it",
    "not-current-phase": "only the current phase can be ended",
    "cannot-end-phase": "the phase cannot be ended from this state",
    "bad-quantity": "a quantity or number of days below 1 (or above 1 for an act)",
    "prohibition": "a prohibition cannot be performed",
    "deal-ended": "the deal has ended",
    "not-in-force": "the deal has not yet taken effect",
    "not-next-phase": "only the next phase can be negotiated",
    "already-agreed": "the phase is agreed already",
    "talks-open": "talks on the phase are open already",
    "talks-not-open": "talks on the phase are not open",
    "not-suspendable": "the deal cannot be suspended now",
    "not-suspended": "nothing to resume",
    "not-suspender": "only who suspended can resume",
    "not-active": "only an active obligation can be suspended",
    "no-extension-clause": "the phase has no extension clause",
    "no-power": "the actor holds no power to do this",
    "cannot-extend": "the phase cannot be extended from this state",
    "over-maximum": "beyond the extension's maximum",
    "self-allegation": "an actor cannot allege a violation against itself",
    "wrong-obligor": "the obligation is owed by someone else",
    "party-cannot-rule": "a party cannot rule on an allegation",
    "own-case": "an actor cannot rule on an allegation made against it",
    "unknown-record": "no report, statement, incident or finding with that id on record",
    "duplicate-id": "that id is on record already",
    "bad-id": "an id must use only letters, digits, '_' and '-'",
    "unknown-indicator": "no indicator with that id in the deal",
    "total-decreased": "a running total lower than the last one recorded",
    "not-standing": "only a standing duty (ongoing, prohibition) can end early or renew",
    "no-term": "the duty has no term to renew or object to",
    "already-ruled": "the allegation was ruled on already",
    "already-terminating": "a termination on notice is already under way",
    "no-renewal-clause": "the phase has no renewal clause",
    "cannot-renew": "the term cannot be renewed (or objected to) from this state",
    "late-objection": "an objection to renewal came after the notice day",
    "cannot-advance": "the next phase cannot begin from this state",
    "entry-condition": "the next phase's entry condition is false",
}


def refuse(event: Event, code: str, reason: str) -> EventRejected:
    """The refusal of ``event`` (``code`` must be one of :data:`CODES`)."""
    assert code in CODES, code
    return EventRejected(event, reason, code)


def handler_for(run: Run, event: Event) -> Handler[Any]:
    """The handler of ``event``, or the refusal: not an event, dated before the clock, or
    of a class with no handler."""
    if not isinstance(event, Event):
        raise EventRejected(event, f"not an event: {type(event).__name__}", "unknown-event")
    if event.day < run.day:
        raise EventRejected(event, f"the event is dated day {event.day}, before the "
                            f"clock (day {run.day}); events must be in date order",
                            "before-clock")
    handler = HANDLERS.get(type(event))
    if handler is None:
        raise EventRejected(event, f"unknown event type {type(event).__name__}",
                            "unknown-event")
    return handler


def live(run: Run, event: Event) -> None:
    if run.state in TERMINAL:
        raise refuse(event, "deal-ended", f"the deal has ended (state is {run.state!r}, "
                     f"since day {run.history[-1][1]})")


def in_force(run: Run, event: Event) -> None:
    live(run, event)
    if run.state == "pending":
        raise refuse(event, "not-in-force", "the deal is not yet in force (state is "
                     "'pending'); it takes effect on day 1")


def party(run: Run, event: Event, actor: str, field: str, parties_only: bool = False,
          owing: bool = False) -> None:
    """``actor`` is an actor of the deal; with ``parties_only`` a signatory party, with
    ``owing`` one that can owe (a party or an obligor)."""
    deal = run.deal
    if not deal.has_party(actor):
        known = ", ".join(p.id for p in deal.parties)
        raise refuse(event, "unknown-party", f"{field} {actor!r} is not a party or mediator "
                     f"of {deal.id} (known: {known})")
    found = deal.party(actor)
    if (parties_only and not found.is_party) or (owing and not found.owes):
        raise refuse(event, "not-a-party", f"{field} {actor!r} is a {found.role_text}, "
                     "not a party")


def obligation(run: Run, event: Event, obligation_id: str) -> LedgerEntry:
    entry = run.ledger.get(obligation_id)
    if entry is None:
        raise refuse(event, "unknown-obligation", f"unknown obligation {obligation_id!r} in "
                     f"{run.deal.id}")
    return entry


def next_phase(run: Run, event: Event, phase_id: str) -> None:
    known = [p.id for p in run.deal.phases]
    if phase_id not in known:
        raise refuse(event, "unknown-phase", f"unknown phase {phase_id!r} (phases: "
                     f"{', '.join(known)})")
    expected = run.phase_index + 1
    if run.deal.phase_index(phase_id) != expected:
        nxt = known[expected] if expected < len(known) else "none (this is the last phase)"
        raise refuse(event, "not-next-phase", f"only the next phase can be negotiated: "
                     f"{phase_id!r} is not next (next is {nxt}; state is {run.state!r})")
