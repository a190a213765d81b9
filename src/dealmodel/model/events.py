"""Events: dated facts that drive a run.

Every event has a ``day`` (day 1 is the day the deal takes effect) and optional
``note``, ``source``, ``hypothetical`` and ``disputed`` fields for provenance
(``disputed`` says which figure the sources disagree on, and gives each). Each class
has a ``TYPE`` string used in scenario files (``type: perform``).

==========================  ========================================================
``advance``                 the clock moves to ``day`` (deadlines due before it fire)
``perform``                 ``party`` performs ``quantity`` of ``obligation`` (or its
                            ``part``), done ``by`` another actor if one is named
``withhold`` / ``release``  an obligor holds back / releases its performance of
                            ``obligation``, stating the ``condition``
``report``                  an actor (a monitor, say) ``by`` reports ``summary``
``end_phase``               the current ``phase`` ends now (open-ended phases)
``negotiations_opened``     talks on ``phase`` (the next phase) begin
``negotiations_ended``      talks on ``phase`` break off
``agreement_reached``       the terms of ``phase`` are agreed
``suspend`` / ``resume``    ``party`` suspends / resumes one ``obligation``, or
                            (without one) all its performance
``extend``                  ``by`` (who holds the power) extends the phase by ``days``
``allege``                  ``by`` alleges that ``against`` violated ``obligation``
``rule``                    mediator ``by`` rules on ``allegation`` (``upheld``)
``hostilities_resumed``     fighting resumes; the deal collapses
``terminate``               ``by`` declares the deal over (after ``notice_days``)
``amend``                   ``by`` moves an obligation's ``due_day`` or ``quantity``
``renew``                   ``by`` renews the current phase's term
``object_renewal``          ``by`` objects to the automatic renewal of the term
``declare``                 ``by`` declares a fact; with ``phase``, that it has begun
==========================  ========================================================

Fields are type-checked when an event is built: ``day``, ``quantity`` and ``days`` are
whole numbers (not ``True``, not ``2.5``, not ``"5"``, never NaN), ``upheld`` and
``hypothetical`` are ``True`` or ``False``, names are text (``by`` may list several).
A wrong type raises :class:`~dealmodel.errors.EventDefinitionError` naming every bad
field.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from dealmodel.errors import EventDefinitionError, Problem, short

__all__ = [
    "EVENT_TYPES",
    "AgreementReached",
    "Amended",
    "ClockAdvanced",
    "Declared",
    "Event",
    "Extended",
    "HostilitiesResumed",
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
    "Suspended",
    "Terminated",
    "ViolationAlleged",
    "Withheld",
    "actors",
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
    disputed: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        for name, kind, nullable in _spec(type(self)):
            value = getattr(self, name)
            fine = (type(value) is str) if kind is tuple else (type(value) is kind)
            if not fine and not (nullable and value is None):
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
    by: str | None = None  # the actor who did it, when not the obligor ``party``
    part: str | None = None  # which named part of the obligation

    def describe(self) -> str:
        part = f" ({self.part})" if self.part else ""
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


def _actors(value: str | Iterable[str]) -> str | tuple[str, ...]:
    """``by`` is one actor id, or several acting together (a list in YAML)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return value  # type: ignore[return-value]  # not a list: checked after conversion
    items = tuple(value)
    return items[0] if len(items) == 1 and isinstance(items[0], str) else items


def actors(by: str | tuple[str, ...]) -> tuple[str, ...]:
    """The actors of a ``by`` field, as a tuple."""
    return (by,) if isinstance(by, str) else by


def _who(by: str | tuple[str, ...], verb: str = "") -> str:
    """``a`` or ``a and b``, with ``verb`` agreeing (``extends`` / ``extend``)."""
    if isinstance(by, str):
        return f"{by} {verb}s" if verb else by
    return " and ".join(by) + (f" {verb}" if verb else "")


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
class Reported(Event):
    """An actor (typically a monitor) reports ``summary``, about ``obligation`` if named."""

    TYPE: ClassVar[str] = "report"
    by: str
    summary: str = ""
    obligation: str | None = None

    def describe(self) -> str:
        about = f" on {self.obligation}" if self.obligation else ""
        return f"{self.by} reports{about}" + (f": {self.summary}" if self.summary else "")


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
    TYPE: ClassVar[str] = "renew"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)

    def describe(self) -> str:
        return f"{_who(self.by, 'renew')} the term"


@attrs.frozen
class RenewalObjected(Event):
    TYPE: ClassVar[str] = "object_renewal"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)

    def describe(self) -> str:
        return f"{_who(self.by, 'object')} to the renewal of the term"


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
                Withheld, Released, Reported, PhaseEnded)
}

_NAMES: dict[type, str] = {int: "a whole number", str: "text", bool: "true or false",
                          tuple: "a name or a list of names"}
_SPECS: dict[type[Event], tuple[tuple[str, type, bool], ...]] = {}


def _kind(annotation: Any) -> tuple[type | None, bool]:
    """(checked type, may be None) of a field annotation; tuple stands for 'one or more names'."""
    if not isinstance(annotation, types.UnionType):
        return (annotation if annotation in _NAMES else None), False
    args = [a for a in annotation.__args__ if a is not type(None)]
    nullable = len(args) < len(annotation.__args__)
    if len(args) == 1:
        return _kind(args[0])[0], nullable
    if set(args) == {str, tuple[str, ...]}:
        return tuple, nullable
    return None, nullable


def _spec(cls: type[Event]) -> tuple[tuple[str, type, bool], ...]:
    """(field, type, may be None) for each checked field of an event class."""
    spec = _SPECS.get(cls)
    if spec is None:
        out = []
        for field in attrs.fields(attrs.resolve_types(cls)):
            kind, nullable = _kind(field.type)
            if kind is not None:
                out.append((field.name, kind, nullable))
        spec = _SPECS[cls] = tuple(out)
    return spec


def _ok(value: object, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is tuple:
        return isinstance(value, str) or (isinstance(value, tuple) and len(value) > 0 and all(
            isinstance(v, str) for v in value))
    return isinstance(value, kind)


def field_problems(cls: type[Event], values: Mapping[str, Any]) -> list[Problem]:
    """Problems with the types of ``values`` given for an event of class ``cls``."""
    problems = []
    for name, kind, nullable in _spec(cls):
        if name not in values:
            continue
        value = values[name]
        if (value is None and nullable) or _ok(value, kind):
            continue
        fix = ("write a whole number, e.g. 3" if kind is int else
               "write true or false" if kind is bool else
               "give a name, or a list of names, e.g. [qatar, egypt]" if kind is tuple else
               "give text, e.g. 'hamas'")
        problems.append(Problem(name, f"must be {_NAMES[kind]}"
                                f"{' or nothing' if nullable else ''}, got {short(value)} "
                                f"({type(value).__name__})", fix))
    return problems


def _types_by_name() -> dict[str, tuple[type, ...]]:
    """Each field name's accepted types over every event class (JSON Schema reads it)."""
    out: dict[str, tuple[type, ...]] = {}
    for cls in EVENT_TYPES.values():
        for name, kind, _ in _spec(cls):
            types = (str, list) if kind is tuple else (kind,)
            out[name] = tuple(dict.fromkeys((*out.get(name, ()), *types)))
    return out


_FIELD_TYPES: dict[str, tuple[type, ...]] = _types_by_name()
