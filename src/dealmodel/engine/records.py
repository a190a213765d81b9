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
    "AllegationOpened",
    "AllegationRuled",
    "AllegationStatus",
    "Cause",
    "ExpiryDeferred",
    "LogEntry",
    "Performance",
    "Record",
    "StateChanged",
    "StatusChanged",
    "TalksChanged",
    "TalksStatus",
    "TargetChanged",
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

    def __str__(self) -> str:
        return f"{self.obligation} {self.progress}/{self.target or '-'}"


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

    @property
    def why(self) -> str:
        if self.allegation is not None:
            return f"allegation {self.allegation} upheld by {self.ruled_by}"
        if self.needed is None:
            return f"not done by day {self.due}"
        return f"{self.progress} of {self.needed} by day {self.due}"

    def __str__(self) -> str:
        return f"{self.obligation} violated ({self.why})"


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


RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls
    for cls in (StateChanged, Performance, StatusChanged, Violated, TargetChanged,
                TalksChanged, ExpiryDeferred, AllegationOpened, AllegationRuled)
}
_ENUMS: dict[str, type[enum.Enum]] = {"status": ObligationStatus, "cause": Cause}


def record_to_dict(record: Record) -> dict[str, Any]:
    """A record as JSON-ready data: ``{"kind": ..., "day": ..., <fields>}``."""
    data: dict[str, Any] = {"kind": record.kind}
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        data[field.name] = value.value if isinstance(value, enum.Enum) else value
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
        elif field.name in _ENUMS:
            value = _ENUMS[field.name](value)
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
