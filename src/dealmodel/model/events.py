"""Events: dated facts that drive a run.

Every event has a ``day`` (day 1 is the day the deal takes effect) and optional
``note``, ``source`` and ``hypothetical`` fields for provenance. Each class has a
``TYPE`` string used in scenario files (``type: perform``).

==========================  ========================================================
``advance``                 the clock moves to ``day`` (deadlines due before it fire)
``perform``                 ``party`` performs ``quantity`` of ``obligation``
``negotiations_opened``     talks on ``phase`` (the next phase) begin
``negotiations_ended``      talks on ``phase`` break off
``agreement_reached``       the terms of ``phase`` are agreed
``suspend`` / ``resume``    ``party`` suspends / resumes one ``obligation``, or
                            (without one) all its performance
``extend``                  ``by`` (who holds the power) extends the phase by ``days``
``allege``                  ``by`` alleges that ``against`` violated ``obligation``
``rule``                    mediator ``by`` rules on ``allegation`` (``upheld``)
``hostilities_resumed``     fighting resumes; the deal collapses
==========================  ========================================================

Fields are type-checked when an event is built: ``day``, ``quantity`` and ``days`` are
whole numbers (not ``True``, not ``2.5``, not ``"5"``, never NaN), ``upheld`` and
``hypothetical`` are ``True`` or ``False``, names are text. A wrong type raises
:class:`~dealmodel.errors.EventDefinitionError` naming every bad field.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from dealmodel.errors import EventDefinitionError, Problem, short

__all__ = [
    "EVENT_TYPES",
    "AgreementReached",
    "ClockAdvanced",
    "Event",
    "Extended",
    "HostilitiesResumed",
    "NegotiationsEnded",
    "NegotiationsOpened",
    "Performed",
    "Resumed",
    "Ruling",
    "Suspended",
    "ViolationAlleged",
    "field_problems",
]


@attrs.frozen
class Event:
    """Base class: a dated fact. Subclasses add their own fields."""

    TYPE: ClassVar[str] = "event"
    day: int
    note: str = attrs.field(default="", kw_only=True)
    source: str = attrs.field(default="", kw_only=True)
    hypothetical: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        for name, kind, nullable in _spec(type(self)):
            value = getattr(self, name)
            if type(value) is not kind and not (nullable and value is None):
                problems = field_problems(type(self), attrs.asdict(self, recurse=False))
                if problems:
                    raise EventDefinitionError(self.TYPE, problems)

    @property
    def type(self) -> str:
        return self.TYPE

    def describe(self) -> str:
        return self.TYPE


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

    def describe(self) -> str:
        if self.quantity == 1:
            return f"{self.party} performs {self.obligation}"
        return f"{self.party} performs {self.quantity:,} of {self.obligation}"


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
    by: str
    days: int = 1

    def describe(self) -> str:
        return f"{self.by} extends the phase by {self.days} day(s)"


@attrs.frozen
class ViolationAlleged(Event):
    TYPE: ClassVar[str] = "allege"
    by: str
    against: str
    obligation: str | None = None
    evidence: str = ""

    def describe(self) -> str:
        what = f" violated {self.obligation}" if self.obligation else " violated the deal"
        return f"{self.by} alleges {self.against}{what}"


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


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (ClockAdvanced, Performed, NegotiationsOpened, NegotiationsEnded,
                AgreementReached, Suspended, Resumed, Extended, ViolationAlleged, Ruling,
                HostilitiesResumed)
}

_NAMES = {int: "a whole number", str: "text", bool: "true or false"}
_SPECS: dict[type[Event], tuple[tuple[str, type, bool], ...]] = {}


def _spec(cls: type[Event]) -> tuple[tuple[str, type, bool], ...]:
    """(field, type, may be None) for each checked field of an event class."""
    spec = _SPECS.get(cls)
    if spec is None:
        out = []
        for field in attrs.fields(attrs.resolve_types(cls)):
            kind: Any = field.type
            nullable = False
            if isinstance(kind, types.UnionType) and type(None) in kind.__args__:
                rest = [t for t in kind.__args__ if t is not type(None)]
                kind, nullable = (rest[0] if len(rest) == 1 else None), True
            if kind in _NAMES:
                out.append((field.name, kind, nullable))
        spec = _SPECS[cls] = tuple(out)
    return spec


def field_problems(cls: type[Event], values: Mapping[str, Any]) -> list[Problem]:
    """Problems with the types of ``values`` given for an event of class ``cls``."""
    problems = []
    for name, kind, nullable in _spec(cls):
        if name not in values:
            continue
        value = values[name]
        if value is None and nullable:
            continue
        ok = isinstance(value, bool) if kind is bool else (
            isinstance(value, kind) and not isinstance(value, bool))
        if not ok:
            fix = ("write a whole number, e.g. 3" if kind is int else
                   "write true or false" if kind is bool else "give text, e.g. 'hamas'")
            problems.append(Problem(name, f"must be {_NAMES[kind]}"
                                    f"{' or nothing' if nullable else ''}, got {short(value)} "
                                    f"({type(value).__name__})", fix))
    return problems
