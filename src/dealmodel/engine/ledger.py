"""Ledger entries and allegations: a run's mutable record of each obligation and dispute."""


from __future__ import annotations

from typing import Any

from dealmodel.engine.records import AllegationStatus, Record, record_from_dict, record_to_dict
from dealmodel.model.obligations import Obligation, ObligationKind, ObligationStatus
from dealmodel.model.phases import TERMINAL_STATES

__all__ = ["Allegation", "LedgerEntry"]

ACTIVE = ObligationStatus.ACTIVE
SUSPENDED = ObligationStatus.SUSPENDED
FULFILLED = ObligationStatus.FULFILLED
VIOLATED = ObligationStatus.VIOLATED
DISCHARGED = ObligationStatus.DISCHARGED
PENDING = ObligationStatus.PENDING
TERMINAL = frozenset(TERMINAL_STATES)

# deadline kinds (the second item of a heap entry orders a day's work)
_MILESTONE, _EXPIRY, _ENTRY = 0, 1, 2
_ACT = ObligationKind.ACT


class LedgerEntry:
    """One obligation's record in a run: status, progress k of n, due day, history."""

    __slots__ = (
        "due_day",
        "history",
        "milestones",
        "obligation",
        "progress",
        "status",
        "suspended_by",
        "target",
        "violated_day",
    )

    def __init__(self, obligation: Obligation, target: int | None) -> None:
        self.obligation = obligation
        self.status = PENDING
        self.progress = 0
        self.target = target
        self.due_day: int | None = None  # absolute day of the final deadline, once known
        self.milestones: tuple[tuple[int, int], ...] = ()  # absolute (day, cumulative)
        self.violated_day: int | None = None
        self.suspended_by: str | None = None
        #: what happened to this obligation, in order (typed records)
        self.history: list[Record] = []

    @property
    def id(self) -> str:
        return self.obligation.id

    def copy(self) -> LedgerEntry:
        new = LedgerEntry.__new__(LedgerEntry)
        new.obligation = self.obligation
        new.status = self.status
        new.progress = self.progress
        new.target = self.target
        new.due_day = self.due_day
        new.milestones = self.milestones  # a tuple: shared safely
        new.violated_day = self.violated_day
        new.suspended_by = self.suspended_by
        new.history = self.history.copy()
        return new

    def snapshot(self) -> tuple[Any, ...]:
        """Everything an event can change here (see :meth:`restore`)."""
        return (self.status, self.progress, self.target, self.due_day, self.milestones,
                self.violated_day, self.suspended_by, len(self.history))

    def restore(self, saved: tuple[Any, ...]) -> None:
        (self.status, self.progress, self.target, self.due_day, self.milestones,
         self.violated_day, self.suspended_by, length) = saved
        del self.history[length:]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.obligation.id, "status": self.status.value, "progress": self.progress,
            "target": self.target, "due_day": self.due_day,
            "milestones": [list(m) for m in self.milestones],
            "violated_day": self.violated_day, "suspended_by": self.suspended_by,
            "history": [record_to_dict(h) for h in self.history],
        }

    def load(self, data: dict[str, Any]) -> None:
        self.status = ObligationStatus(data["status"])
        self.progress = data["progress"]
        self.target = data["target"]
        self.due_day = data["due_day"]
        self.milestones = tuple((d, c) for d, c in data["milestones"])
        self.violated_day = data["violated_day"]
        self.suspended_by = data["suspended_by"]
        self.history = [record_from_dict(h) for h in data["history"]]


class Allegation:
    """An alleged violation: by whom, against whom, which obligation, and its ruling."""

    __slots__ = (
        "against",
        "by",
        "day",
        "evidence",
        "id",
        "obligation",
        "ruled_by",
        "ruled_day",
        "status",
    )

    def __init__(self, id: str, day: int, by: str, against: str, obligation: str | None,
                 evidence: str, status: AllegationStatus = AllegationStatus.OPEN,
                 ruled_by: str | None = None,
                 ruled_day: int | None = None) -> None:
        self.id = id
        self.day = day
        self.by = by
        self.against = against
        self.obligation = obligation
        self.evidence = evidence
        self.status = status
        self.ruled_by = ruled_by
        self.ruled_day = ruled_day

    def copy(self) -> Allegation:
        return Allegation(self.id, self.day, self.by, self.against, self.obligation,
                          self.evidence, self.status, self.ruled_by, self.ruled_day)

    def restore(self, saved: Allegation) -> None:
        self.status, self.ruled_by, self.ruled_day = saved.status, saved.ruled_by, saved.ruled_day

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}
        data["status"] = self.status.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Allegation:
        return cls(data["id"], data["day"], data["by"], data["against"], data["obligation"],
                   data["evidence"], AllegationStatus(data["status"]), data["ruled_by"],
                   data["ruled_day"])

