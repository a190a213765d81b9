"""What a run records: typed, frozen records of everything that happened, and the log.

Each kind of happening is its own class (a state change, a performance, a status
change of an obligation, a deadline missed, talks opened, an allegation and its
ruling, ...). The engine appends records; outputs turn them into text at the edge
(``str(record)`` gives the standard wording) and never parse text back. Every record
has the ``day`` it happened on, and ``kind``, a stable name used in JSON.

:class:`LogEntry` is one accepted event with the records it caused, in order. The
records of the deal as a whole (endings, powers, duties' terms, what is put on record)
are defined in :mod:`dealmodel.engine.records_deal` and re-exported here; records as
JSON-ready data: :mod:`dealmodel.engine.record_data`.
"""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

from dealmodel.engine._record_base import Record
from dealmodel.engine.records_deal import (
    AfterEnd,
    Amendment,
    Declaration,
    DutyEnd,
    DutyRenewed,
    EndCause,
    Ended,
    OnRecord,
    PhaseExtended,
    RenewalObjection,
    TerminationNotice,
    TermRenewed,
)
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
    "DueSet",
    "DutyEnd",
    "DutyRenewed",
    "EndCause",
    "Ended",
    "ExpiryDeferred",
    "LogEntry",
    "OnRecord",
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
    "Withholding",
    "WithholdingReleased",
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
    EXTENDED = "extended"  # mutate: skip (no rule records this cause: nothing reads it)
    AMENDED = "amended"
    TERM_ENDED = "term ended"  # a standing duty's own term ran out (or its due day passed)
    ENDED_EARLY = "ended early"  # a standing duty withdrawn or ended by power


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
    cumulative: bool = False  # given as a running total: ``quantity`` is the difference

    def __str__(self) -> str:
        target = "-" if self.target is None else f"{self.target}"
        extra = "".join(f" ({x})" for x in (self.part, self.by and f"by {self.by}") if x)
        total = f" (+{self.quantity:,} to the reported total)" if self.cumulative else ""
        return f"{self.obligation} {self.progress}/{target}{extra}{total}"


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
class DueSet(Record):
    """``obligation``'s relative deadline is now known: day ``due`` (``after`` happened)."""

    kind: ClassVar[str] = "due"
    obligation: str
    due: int
    after: str

    def __str__(self) -> str:
        return f"{self.obligation} due day {self.due} (after {self.after})"


@attrs.frozen(slots=True)
class Withholding(Record):
    """``by`` withholds its performance of ``obligation`` until ``condition``."""

    kind: ClassVar[str] = "withheld"
    obligation: str
    by: str
    condition: str = ""
    quantity: int | None = None

    def __str__(self) -> str:
        return f"{self.obligation} withheld by {self.by}"


@attrs.frozen(slots=True)
class WithholdingReleased(Record):
    """``by`` released ``obligation``, which is ``status`` again."""

    kind: ClassVar[str] = "released"
    obligation: str
    by: str
    status: ObligationStatus

    def __str__(self) -> str:
        return f"{self.obligation} released by {self.by} ({self.status.value})"


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
