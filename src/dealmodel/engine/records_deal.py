"""Records of what happens to the deal as a whole, and to the record.

Endings (:class:`Ended` and its :class:`EndCause`), the exercise of powers (extension,
renewal and objection, amendment, termination on notice, declarations), the terms of
standing duties (:class:`DutyEnd`, :class:`DutyRenewed`), facts recorded after the end
(:class:`AfterEnd`) and what is put on record without judging (:class:`OnRecord`). The
core records of a run are in :mod:`dealmodel.engine.records`, which re-exports these.
"""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

from dealmodel.engine._record_base import Record

__all__ = [
    "AfterEnd",
    "Amendment",
    "Declaration",
    "DutyEnd",
    "DutyRenewed",
    "EndCause",
    "Ended",
    "OnRecord",
    "PhaseExtended",
    "RenewalObjection",
    "TermRenewed",
    "TerminationNotice",
]


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
    """``by`` objected to renewing ``phase``'s term, or with ``obligation`` that duty's."""

    kind: ClassVar[str] = "renewal_objected"
    phase: str
    by: tuple[str, ...]
    obligation: str | None = None

    def __str__(self) -> str:
        return f"{' and '.join(self.by)} objected to renewing {self.obligation or self.phase}"


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


@attrs.frozen(slots=True)
class OnRecord(Record):
    """A report, statement, incident or finding (``event``, its type) was put on record as
    ``id``: by ``by`` (actor ids; a finding's body by name), about ``obligation`` or
    ``indicator`` if named. With an amount,
    ``quantity`` is what it adds (for a running total: the difference from the last one)
    and ``total`` the running total after it. Nothing is judged."""

    kind: ClassVar[str] = "on_record"
    event: str
    id: str
    by: tuple[str, ...] = ()
    obligation: str | None = None
    indicator: str | None = None
    quantity: int | None = None
    total: int | None = None

    def __str__(self) -> str:
        about = self.obligation or self.indicator
        text = f"{self.event} {self.id} on record" + (f" ({about}" if about else "")
        if about and self.total is not None:
            text += f": total {self.total:,}, +{self.quantity or 0:,}"
        return text + (")" if about else "")


@attrs.frozen(slots=True)
class DutyEnd(Record):
    """Standing duty ``obligation`` ended: its term ran out (``by`` empty), or it was ended
    early by ``by`` (a withdrawal, or a holder of the power to amend)."""

    kind: ClassVar[str] = "duty_ended"
    obligation: str
    by: tuple[str, ...] = ()
    reason: str = ""
    early: bool = False

    def __str__(self) -> str:
        if not self.early:
            return f"{self.obligation} term ended"
        who = f" by {' and '.join(self.by)}" if self.by else ""
        return f"{self.obligation} ended early{who}"


@attrs.frozen(slots=True)
class DutyRenewed(Record):
    """Duty ``obligation``'s term renewed, now to ``end_day`` (``by`` empty: automatically)."""

    kind: ClassVar[str] = "duty_renewed"
    obligation: str
    end_day: int
    by: tuple[str, ...] = ()

    def __str__(self) -> str:
        how = f"by {' and '.join(self.by)}" if self.by else "automatically"
        return f"{self.obligation} renewed {how} to day {self.end_day}"
