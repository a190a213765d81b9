"""Events: dated facts that drive a run.

Every event has a ``day`` (day 1 is the day the deal takes effect) and optional
``note``, ``source``, ``hypothetical`` and ``disputed`` fields for provenance
(``disputed`` says which figure the sources disagree on, and gives each). Each class
has a ``TYPE`` string used in scenario files (``type: perform``).

==========================  ========================================================
``advance``                 the clock moves to ``day`` (deadlines due before it fire)
``perform``                 ``party`` performs ``quantity`` of ``obligation`` (or its
                            ``part``), done ``by`` another actor if one is named; or
                            brings it to a ``cumulative`` total (the difference)
``withhold`` / ``release``  an obligor holds back / releases its performance of
                            ``obligation``, stating the ``condition``
``report``, ``statement``,  put on record without judging (see
``incident``, ``finding``   :mod:`dealmodel.model.reports`)
``end_duty``                a standing duty ends early (withdrawn, or ended by power)
``end_phase``               the current ``phase`` ends now (open-ended phases)
``negotiations_opened``     talks on ``phase`` (the next phase) begin
``negotiations_ended``      talks on ``phase`` break off
``agreement_reached``       the terms of ``phase`` are agreed
``suspend`` / ``resume``    ``party`` suspends / resumes one ``obligation``, or
                            (without one) all its performance
``extend``                  ``by`` (who holds the power) extends the phase by ``days``
``allege``                  ``by`` alleges that ``against`` violated ``obligation``
                            (``refers_to`` an incident, report, ... on record)
``rule``                    mediator ``by`` rules on ``allegation`` (``upheld``)
``hostilities_resumed``     fighting resumes; the deal collapses
``terminate``               ``by`` declares the deal over (after ``notice_days``)
``amend``                   ``by`` moves an obligation's ``due_day`` or ``quantity``
``renew``                   ``by`` renews the current phase's term (or a duty's)
``object_renewal``          ``by`` objects to the automatic renewal of the term (or a
                            duty's)
``declare``                 ``by`` declares a fact; with ``phase``, that it has begun
==========================  ========================================================

Fields are type-checked when an event is built (see :mod:`dealmodel.model._event_base`):
a wrong type raises :class:`~dealmodel.errors.EventDefinitionError` naming every bad
field.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from dealmodel.model._event_base import (
    PROVENANCE,
    TEXT_FIELDS,
    Event,
    _actors,
    _spec,
    _who,
    actors,
    field_problems,
    own_fields,
)
from dealmodel.model.reports import FindingIssued, IncidentReported, Reported, Stated

__all__ = [
    "EVENT_TYPES",
    "PROVENANCE",
    "TEXT_FIELDS",
    "AgreementReached",
    "Amended",
    "ClockAdvanced",
    "Declared",
    "DutyEnded",
    "Event",
    "Extended",
    "FindingIssued",
    "HostilitiesResumed",
    "IncidentReported",
    "NegotiationsEnded",
    "NegotiationsOpened",
    "Performed",
    "PhaseEnded",
    "Released",
    "RenewalObjected",
    "Renewed",
    "Reported",
    "Resumed",
    "Ruling",
    "Stated",
    "Suspended",
    "Terminated",
    "ViolationAlleged",
    "Withheld",
    "actors",
    "field_problems",
    "own_fields",
]


@attrs.frozen
class ClockAdvanced(Event):
    TYPE: ClassVar[str] = "advance"

    def describe(self) -> str:
        return f"clock advances to day {self.day}"


@attrs.frozen
class Performed(Event):
    TYPE: ClassVar[str] = "perform"
    party: str
    obligation: str
    quantity: int = 1
    by: str | None = None  # the actor who did it, when not the obligor ``party``
    part: str | None = None  # which named part of the obligation
    #: the running total so far, instead of ``quantity``: the difference is performed
    cumulative: int | None = None

    def describe(self) -> str:
        part = f" ({self.part})" if self.part else ""
        if self.cumulative is not None:
            who = f"{self.by} (for {self.party})" if self.by is not None else self.party
            return (f"{who} performs {self.obligation}{part} to a total of "
                    f"{self.cumulative:,}")
        if self.by is not None:
            what = (f"{self.quantity:,} of {self.obligation}" if self.quantity != 1
                    else self.obligation)
            return f"{self.by} performs {what}{part} owed by {self.party}"
        if self.quantity == 1:
            return f"{self.party} performs {self.obligation}{part}"
        return f"{self.party} performs {self.quantity:,} of {self.obligation}{part}"


@attrs.frozen
class NegotiationsOpened(Event):
    TYPE: ClassVar[str] = "negotiations_opened"
    phase: str

    def describe(self) -> str:
        return f"negotiations on {self.phase} open"


@attrs.frozen
class NegotiationsEnded(Event):
    TYPE: ClassVar[str] = "negotiations_ended"
    phase: str

    def describe(self) -> str:
        return f"negotiations on {self.phase} break off"


@attrs.frozen
class AgreementReached(Event):
    TYPE: ClassVar[str] = "agreement_reached"
    phase: str

    def describe(self) -> str:
        return f"agreement reached on {self.phase}"


@attrs.frozen
class Suspended(Event):
    TYPE: ClassVar[str] = "suspend"
    party: str
    obligation: str | None = None
    reason: str = ""

    def describe(self) -> str:
        what = self.obligation or "all its performance"
        return f"{self.party} suspends {what}"


@attrs.frozen
class Resumed(Event):
    TYPE: ClassVar[str] = "resume"
    party: str
    obligation: str | None = None

    def describe(self) -> str:
        what = self.obligation or "all its performance"
        return f"{self.party} resumes {what}"


@attrs.frozen
class Extended(Event):
    TYPE: ClassVar[str] = "extend"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    days: int = 1

    def describe(self) -> str:
        return f"{_who(self.by, 'extend')} the phase by {self.days} day(s)"


@attrs.frozen
class ViolationAlleged(Event):
    TYPE: ClassVar[str] = "allege"
    by: str
    against: str
    obligation: str | None = None
    evidence: str = ""
    refers_to: str | None = None  # the id of a report, statement, incident or finding

    def describe(self) -> str:
        what = f" violated {self.obligation}" if self.obligation else " violated the deal"
        about = f" (concerning {self.refers_to})" if self.refers_to else ""
        return f"{self.by} alleges {self.against}{what}{about}"


@attrs.frozen
class Ruling(Event):
    TYPE: ClassVar[str] = "rule"
    by: str
    allegation: str
    upheld: bool

    def describe(self) -> str:
        verdict = "upholds" if self.upheld else "dismisses"
        return f"{self.by} {verdict} allegation {self.allegation}"


@attrs.frozen
class HostilitiesResumed(Event):
    TYPE: ClassVar[str] = "hostilities_resumed"
    by: str | None = None

    def describe(self) -> str:
        return "hostilities resume" + (f" (attributed to {self.by} as reported)" if self.by else "")


@attrs.frozen
class Withheld(Event):
    """An obligor holds back its performance of ``obligation`` until ``condition`` is met
    (a reciprocal performance held pending the other side's): neither a violation nor a
    suspension of the deal. ``quantity``, if given, is how much is held back."""

    TYPE: ClassVar[str] = "withhold"
    party: str
    obligation: str
    condition: str = ""
    quantity: int | None = None

    def describe(self) -> str:
        what = f"{self.quantity:,} of {self.obligation}" if self.quantity else self.obligation
        until = f" until {self.condition}" if self.condition else ""
        return f"{self.party} withholds {what}{until}"


@attrs.frozen
class Released(Event):
    """The obligor that withheld ``obligation`` releases it: performance may go on."""

    TYPE: ClassVar[str] = "release"
    party: str
    obligation: str

    def describe(self) -> str:
        return f"{self.party} releases {self.obligation}"


@attrs.frozen
class PhaseEnded(Event):
    """The current ``phase`` ends now, as if its time were up (its expiry rule applies):
    how an open-ended phase hands over. ``by`` names who ended it, if reported."""

    TYPE: ClassVar[str] = "end_phase"
    phase: str
    by: str | None = None

    def describe(self) -> str:
        return f"{self.phase} ends" + (f" ({self.by})" if self.by else "")


@attrs.frozen
class Terminated(Event):
    TYPE: ClassVar[str] = "terminate"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    notice_days: int = 0
    reason: str = ""

    def describe(self) -> str:
        notice = f" with {self.notice_days} days' notice" if self.notice_days else ""
        return f"{_who(self.by, 'terminate')} the deal{notice}"


@attrs.frozen
class Amended(Event):
    TYPE: ClassVar[str] = "amend"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    obligation: str
    due_day: int | None = None
    quantity: int | None = None

    def describe(self) -> str:
        parts = [f"due day {self.due_day}" if self.due_day is not None else "",
                 f"quantity {self.quantity:,}" if self.quantity is not None else ""]
        return (f"{_who(self.by, 'amend')} {self.obligation}: "
                + ", ".join(p for p in parts if p))


@attrs.frozen
class Renewed(Event):
    """``by`` renews the current phase's term, or with ``obligation`` that duty's term."""

    TYPE: ClassVar[str] = "renew"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    obligation: str | None = None

    def describe(self) -> str:
        what = f"the term of {self.obligation}" if self.obligation else "the term"
        return f"{_who(self.by, 'renew')} {what}"


@attrs.frozen
class RenewalObjected(Event):
    """``by`` objects to the automatic renewal of the current phase's term, or with
    ``obligation`` of that duty's term."""

    TYPE: ClassVar[str] = "object_renewal"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    obligation: str | None = None
    reason: str = ""

    def describe(self) -> str:
        what = f"the term of {self.obligation}" if self.obligation else "the term"
        return f"{_who(self.by, 'object')} to the renewal of {what}"


@attrs.frozen
class DutyEnded(Event):
    """A standing duty (ongoing, prohibition) ends early: withdrawn by its obligor, or
    ended by a holder of the power to amend. Recorded, not judged: the duty is
    discharged, and an allegation may follow."""

    TYPE: ClassVar[str] = "end_duty"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    obligation: str
    reason: str = ""

    def describe(self) -> str:
        return f"{_who(self.by, 'end')} {self.obligation}"


@attrs.frozen
class Declared(Event):
    TYPE: ClassVar[str] = "declare"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    statement: str = ""
    phase: str | None = None

    def describe(self) -> str:
        if self.phase is not None:
            return f"{_who(self.by, 'declare')} that {self.phase} has begun"
        return f"{_who(self.by, 'declare')}: {self.statement}"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (ClockAdvanced, Performed, NegotiationsOpened, NegotiationsEnded,
                AgreementReached, Suspended, Resumed, Extended, ViolationAlleged, Ruling,
                HostilitiesResumed, Terminated, Amended, Renewed, RenewalObjected, Declared,
                Withheld, Released, Reported, PhaseEnded, Stated, IncidentReported,
                FindingIssued, DutyEnded)
}

def _types_by_name() -> dict[str, tuple[type, ...]]:
    """Each field name's accepted types over every event class (JSON Schema reads it)."""
    out: dict[str, tuple[type, ...]] = {}
    for cls in EVENT_TYPES.values():
        for name, kind, _ in _spec(cls):
            types = (str, list) if kind is tuple else (kind,)
            out[name] = tuple(dict.fromkeys((*out.get(name, ()), *types)))
    out["figures"] = (dict,)  # {name: number}
    return out


_FIELD_TYPES: dict[str, tuple[type, ...]] = _types_by_name()


