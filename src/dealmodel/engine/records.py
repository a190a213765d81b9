"""What a run records: typed, frozen records of everything that happened, and the log.

Each kind of happening is its own class (a state change, a performance, a status
change of an obligation, a deadline missed, talks opened, an allegation and its
ruling, ...). The engine appends records; outputs turn them into text at the edge
(``str(record)`` gives the standard wording) and never parse text back. Every record
has the ``day`` it happened on, and ``kind``, a stable name used in JSON.

:class:`LogEntry` is one accepted event with the records it caused, in order.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import attrs

from dealmodel.model.events import Event
from dealmodel.model.obligations import ObligationStatus

__all__ = [
    "AfterEnd",
    "AllegationOpened",
    "AllegationRuled",
    "AllegationStatus",
    "Amendment",
    "Cause",
    "Declaration",
    "EndCause",
    "Ended",
    "ExpiryDeferred",
    "LogEntry",
    "Performance",
    "PhaseExtended",
    "Record",
    "RenewalObjection",
    "StateChanged",
    "StatusChanged",
    "TalksChanged",
    "TalksStatus",
    "TargetChanged",
    "TermRenewed",
    "TerminationNotice",
    "Violated",
    "record_from_dict",
    "record_to_dict",
]


class AllegationStatus(enum.Enum):
    """Where an allegation stands: open until a mediator or monitor rules on it."""

    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class TalksStatus(enum.Enum):
    OPENED = "opened"
    ENDED = "ended"
    AGREED = "agreed"


class Cause(enum.Enum):
    """Why an obligation's status changed (besides a performance or a deadline)."""

    PHASE_BEGAN = "phase began"
    PERFORMED = "performed"
    DEADLINE_MET = "deadline met"
    PHASE_ENDED = "phase ended"
    PHASE_ENDED_SUSPENDED = "phase ended while suspended"
    DEAL_ENDED = "deal ended"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    EXTENDED = "extended"
    AMENDED = "amended"


@attrs.frozen(slots=True)
class Record:
    """Something that happened in a run, on ``day``."""

    kind: ClassVar[str] = "record"
    day: int


@attrs.frozen(slots=True)
class StateChanged(Record):
    """The lifecycle entered ``state`` (fired by ``trigger`` of the lifecycle machine)."""

    kind: ClassVar[str] = "state"
    state: str
    trigger: str

    def __str__(self) -> str:
        return f"state -> {self.state}"


@attrs.frozen(slots=True)
class Performance(Record):
    """``quantity`` of ``obligation`` performed; ``progress`` of ``target`` after it."""

    kind: ClassVar[str] = "performance"
    obligation: str
    quantity: int
    progress: int
    target: int | None
    by: str | None = None  # the actor who performed, when not an obligor
    part: str | None = None  # the named part performed

    def __str__(self) -> str:
        target = "-" if self.target is None else f"{self.target}"
        extra = "".join(f" ({x})" for x in (self.part, self.by and f"by {self.by}") if x)
        return f"{self.obligation} {self.progress}/{target}{extra}"


@attrs.frozen(slots=True)
class StatusChanged(Record):
    """``obligation`` became ``status`` because of ``cause`` (by ``actor``, if one acted)."""

    kind: ClassVar[str] = "status"
    obligation: str
    status: ObligationStatus
    cause: Cause
    actor: str | None = None

    def __str__(self) -> str:
        if self.cause in (Cause.SUSPENDED, Cause.RESUMED):
            return f"{self.obligation} {self.cause.value}"
        return f"{self.obligation} {self.status.value}"


@attrs.frozen(slots=True)
class Violated(Record):
    """``obligation`` was violated: ``progress`` of ``needed`` by ``due``, or by a ruling."""

    kind: ClassVar[str] = "violated"
    obligation: str
    due: int | None = None
    progress: int | None = None
    needed: int | None = None
    allegation: str | None = None
    ruled_by: str | None = None
    partial: bool = False  # part of what was needed was done: "partially fulfilled"

    @property
    def why(self) -> str:
        if self.allegation is not None:
            return f"allegation {self.allegation} upheld by {self.ruled_by}"
        if self.needed is None:
            return f"not done by day {self.due}"
        return f"{self.progress} of {self.needed} by day {self.due}"

    def __str__(self) -> str:
        status = "partially fulfilled" if self.partial else "violated"
        return f"{self.obligation} {status} ({self.why})"


@attrs.frozen(slots=True)
class TargetChanged(Record):
    """``obligation`` now owes ``target`` (an extension's terms added to it)."""

    kind: ClassVar[str] = "target"
    obligation: str
    target: int

    def __str__(self) -> str:
        return f"{self.obligation} target -> {self.target}"


@attrs.frozen(slots=True)
class TalksChanged(Record):
    """Talks on ``phase`` opened, ended or reached agreement."""

    kind: ClassVar[str] = "talks"
    phase: str
    status: TalksStatus

    def __str__(self) -> str:
        if self.status is TalksStatus.OPENED:
            return f"negotiating {self.phase}"
        if self.status is TalksStatus.ENDED:
            return f"talks on {self.phase} ended"
        return f"{self.phase} agreed"


@attrs.frozen(slots=True)
class ExpiryDeferred(Record):
    """``phase``'s time ran out while suspended: it expires when the deal resumes."""

    kind: ClassVar[str] = "expiry_deferred"
    phase: str

    def __str__(self) -> str:
        return f"{self.phase} time is up; expiry waits for resumption"


@attrs.frozen(slots=True)
class AllegationOpened(Record):
    kind: ClassVar[str] = "allegation"
    allegation: str

    def __str__(self) -> str:
        return f"allegation {self.allegation} open"


@attrs.frozen(slots=True)
class AllegationRuled(Record):
    kind: ClassVar[str] = "ruling"
    allegation: str
    status: AllegationStatus
    by: str

    def __str__(self) -> str:
        return f"allegation {self.allegation} {self.status.value}"


class EndCause(enum.Enum):
    """How a deal ended."""

    LAST_PHASE_DONE = "last phase completed"
    TERM_RAN_OUT = "term ran out"
    RENEWAL_OBJECTED = "renewal objected to"
    TALKS_ENDED = "talks ended in limbo"
    NO_TALKS = "time ran out with no agreement and no talks"
    LAPSE_RULE = "time ran out (lapse rule)"
    NOT_READY = "time ran out and the next phase could not begin"
    TERMINATED = "terminated by declaration"
    HOSTILITIES = "hostilities resumed"


@attrs.frozen(slots=True)
class Ended(Record):
    """The deal ended on ``day`` in terminal ``state`` because of ``cause`` (by ``by``)."""

    kind: ClassVar[str] = "ended"
    state: str
    cause: EndCause
    by: tuple[str, ...] = ()

    def __str__(self) -> str:
        who = f" by {' and '.join(self.by)}" if self.by else ""
        return f"deal {self.state}: {self.cause.value}{who}"


@attrs.frozen(slots=True)
class PhaseExtended(Record):
    kind: ClassVar[str] = "extended"
    phase: str
    days: int
    end_day: int
    by: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.phase} extended by {self.days} day(s) to day {self.end_day}"


@attrs.frozen(slots=True)
class TermRenewed(Record):
    kind: ClassVar[str] = "renewed"
    phase: str
    end_day: int
    by: tuple[str, ...] = ()  # empty: renewed automatically

    def __str__(self) -> str:
        how = f"by {' and '.join(self.by)}" if self.by else "automatically"
        return f"{self.phase} renewed {how} to day {self.end_day}"


@attrs.frozen(slots=True)
class RenewalObjection(Record):
    kind: ClassVar[str] = "renewal_objected"
    phase: str
    by: tuple[str, ...]

    def __str__(self) -> str:
        return f"{' and '.join(self.by)} objected to renewing {self.phase}"


@attrs.frozen(slots=True)
class Amendment(Record):
    """``obligation``'s deadline or quantity moved; earlier violations stay in history."""

    kind: ClassVar[str] = "amended"
    obligation: str
    by: tuple[str, ...]
    old_due: int | None
    new_due: int | None
    old_target: int | None
    new_target: int | None

    def __str__(self) -> str:
        parts = []
        if self.new_due != self.old_due:
            parts.append(f"due day {self.old_due} -> {self.new_due}")
        if self.new_target != self.old_target:
            parts.append(f"target {self.old_target} -> {self.new_target}")
        return f"{self.obligation} amended: {', '.join(parts) or 'unchanged'}"


@attrs.frozen(slots=True)
class TerminationNotice(Record):
    kind: ClassVar[str] = "termination_notice"
    by: tuple[str, ...]
    effective_day: int

    def __str__(self) -> str:
        return f"termination by {' and '.join(self.by)} takes effect on day {self.effective_day}"


@attrs.frozen(slots=True)
class Declaration(Record):
    kind: ClassVar[str] = "declaration"
    by: tuple[str, ...]
    statement: str
    phase: str | None = None

    def __str__(self) -> str:
        what = f"{self.phase} has begun" if self.phase else self.statement
        return f"declared by {' and '.join(self.by)}: {what}"


@attrs.frozen(slots=True)
class AfterEnd(Record):
    """A fact reported after the deal ended: recorded, the final state unchanged."""

    kind: ClassVar[str] = "after_end"
    event: str
    description: str

    def __str__(self) -> str:
        return f"after the end: {self.description}"


#: Every record class by ``kind``; modules with records of their own add theirs when
#: imported (:mod:`dealmodel.engine.duty_records`).
RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls
    for cls in (StateChanged, Performance, StatusChanged, Violated, TargetChanged,
                TalksChanged, ExpiryDeferred, AllegationOpened, AllegationRuled, Ended,
                PhaseExtended, TermRenewed, RenewalObjection, Amendment, TerminationNotice,
                Declaration, AfterEnd)
}
_TUPLES = ("by",)


def record_to_dict(record: Record) -> dict[str, Any]:
    """A record as JSON-ready data: ``{"kind": ..., "day": ..., <fields>}``."""
    data: dict[str, Any] = {"kind": record.kind}
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        data[field.name] = value
    return data


def record_from_dict(data: dict[str, Any]) -> Record:
    """The record :func:`record_to_dict` made (raises KeyError/ValueError/TypeError)."""
    cls = RECORD_TYPES[data["kind"]]
    fields: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.name == "status":
            enum_type: type[enum.Enum] = (AllegationStatus if cls is AllegationRuled
                                          else TalksStatus if cls is TalksChanged
                                          else ObligationStatus)
            value = enum_type(value)
        elif field.name == "cause":
            value = EndCause(value) if cls is Ended else Cause(value)
        elif field.name in _TUPLES and isinstance(value, list):
            value = tuple(value)
        fields[field.name] = value
    return cls(**fields)


class LogEntry:
    """An accepted event with the records it caused, in order."""

    __slots__ = ("event", "records")

    def __init__(self, event: Event, records: list[Record] | None = None) -> None:
        self.event = event
        self.records: tuple[Record, ...] = tuple(records) if records else ()

    @property
    def changes(self) -> list[str]:
        """The records in words (for display; read ``records`` for data)."""
        return [str(r) for r in self.records]

    def __repr__(self) -> str:
        return f"<LogEntry day {self.event.day} {self.event.type}: {len(self.records)} records>"
