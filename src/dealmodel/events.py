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
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from dealmodel.errors import Problem

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
    "event_from_dict",
    "event_to_dict",
]


@attrs.frozen
class Event:
    """Base class: a dated fact. Subclasses add their own fields."""

    TYPE: ClassVar[str] = "event"
    day: int
    note: str = attrs.field(default="", kw_only=True)
    source: str = attrs.field(default="", kw_only=True)
    hypothetical: bool = attrs.field(default=False, kw_only=True)

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

_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "day": (int,), "quantity": (int,), "days": (int,), "upheld": (bool,),
    "hypothetical": (bool,),
}


def event_fields(cls: type[Event]) -> tuple[attrs.Attribute[Any], ...]:
    return tuple(attrs.fields(cls))


def event_from_dict(data: Any, path: str = "") -> tuple[Event | None, list[Problem]]:
    """Build an event from ``{type: ..., day: ..., ...}``; returns (event, problems)."""
    import difflib

    from dealmodel._yaml import LineDict

    line = data.line if isinstance(data, LineDict) else None
    prefix = f"{path}." if path else ""
    if not isinstance(data, dict):
        return None, [Problem(path, f"an event must be a mapping, got {data!r:.60}", "", line)]
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        close = difflib.get_close_matches(str(kind), EVENT_TYPES, n=1)
        fix = f"did you mean {close[0]!r}?" if close else "event types: " + ", ".join(EVENT_TYPES)
        got = "missing" if kind is None else f"unknown event type {kind!r}"
        ln = data.line_of("type") if isinstance(data, LineDict) else line
        return None, [Problem(f"{prefix}type", got, fix, ln)]
    cls = EVENT_TYPES[kind]
    fields = {f.name: f for f in event_fields(cls)}
    problems: list[Problem] = []
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "type":
            continue
        ln = data.line_of(key) if isinstance(data, LineDict) else line
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"{kind} takes: " + ", ".join(fields)
            problems.append(Problem(f"{prefix}{key}", f"unknown field for a {kind} event", fix, ln))
            continue
        want = _FIELD_TYPES.get(key, (str,))
        if value is None and fields[key].default is None:
            kwargs[key] = None
            continue
        if not isinstance(value, want) or (isinstance(value, bool) and bool not in want):
            names = " or ".join(t.__name__ for t in want)
            problems.append(
                Problem(f"{prefix}{key}", f"must be {names}, got {value!r:.60}", "", ln))
            continue
        kwargs[key] = value
    for name, field in fields.items():
        if field.default is attrs.NOTHING and name not in kwargs and name not in data:
            problems.append(Problem(f"{prefix}{name}", f"is required for a {kind} event", "", line))
    if problems:
        return None, problems
    return cls(**kwargs), []


def event_to_dict(event: Event) -> dict[str, Any]:
    """Plain data for an event; :func:`event_from_dict` reverses it."""
    out: dict[str, Any] = {"type": event.TYPE}
    for field in event_fields(type(event)):
        value = getattr(event, field.name)
        if field.name == "day" or value != field.default:
            out[field.name] = value
    return out
