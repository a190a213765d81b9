"""Ledger entries and allegations: a run's mutable record of each obligation and dispute."""


from __future__ import annotations

from typing import Any

from dealmodel.engine.record_data import record_from_dict, record_to_dict
from dealmodel.engine.records import AllegationStatus, Record
from dealmodel.model.obligations import Obligation, ObligationKind, ObligationStatus
from dealmodel.model.phases import TERMINAL_STATES

__all__ = ["Allegation", "LedgerEntry"]

ACTIVE = ObligationStatus.ACTIVE
SUSPENDED = ObligationStatus.SUSPENDED
WITHHELD = ObligationStatus.WITHHELD
FULFILLED = ObligationStatus.FULFILLED
FULFILLED_LATE = ObligationStatus.FULFILLED_LATE
PARTIAL = ObligationStatus.PARTIALLY_FULFILLED
VIOLATED = ObligationStatus.VIOLATED
DISCHARGED = ObligationStatus.DISCHARGED
PENDING = ObligationStatus.PENDING
TERMINAL = frozenset(TERMINAL_STATES)

# deadline kinds (the second item of a heap entry orders a day's work)
_MILESTONE, _EXPIRY, _ENTRY, _TERMINATION = 0, 1, 2, 3
_ACT = ObligationKind.ACT


class LedgerEntry:
    """One obligation's record in a run: status, progress k of n, due day, history.

    Besides the status, an entry keeps the day of each fact that outlives a status
    change: ``violated_day`` (the first breach, kept when fulfilled late),
    ``fulfilled_day``, who performed how much (``performed_by``), what each named part
    has received (``parts_done``), and ``held_status``, the status a suspended or
    withheld duty returns to (a deadline passing meanwhile turns it into a breach).
    """

    __slots__ = (
        "due_day",
        "fulfilled_day",
        "held_status",
        "history",
        "milestones",
        "obligation",
        "parts_done",
        "performed_by",
        "progress",
        "renewal_objected",
        "renewals",
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
        self.fulfilled_day: int | None = None
        self.suspended_by: str | None = None  # who suspended or withheld it
        self.held_status: ObligationStatus | None = None
        #: actor -> quantity performed (the obligor, or another actor named by ``by``)
        self.performed_by: dict[str, int] = {}
        #: named part -> quantity performed of it
        self.parts_done: dict[str, int] = {}
        #: what happened to this obligation, in order (typed records)
        self.history: list[Record] = []
        #: a standing duty's term: times renewed, and who objected to the next renewal
        self.renewals = 0
        self.renewal_objected: tuple[str, ...] = ()

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
        new.fulfilled_day = self.fulfilled_day
        new.suspended_by = self.suspended_by
        new.held_status = self.held_status
        new.performed_by = self.performed_by  # replaced, never changed in place: shared
        new.parts_done = self.parts_done
        new.history = self.history.copy()
        new.renewals = self.renewals
        new.renewal_objected = self.renewal_objected
        return new

    def snapshot(self) -> tuple[Any, ...]:
        """Everything an event can change here (see :meth:`restore`)."""
        return (self.status, self.progress, self.target, self.due_day, self.milestones,
                self.violated_day, self.fulfilled_day, self.suspended_by, self.held_status,
                self.performed_by, self.parts_done, len(self.history),
                self.renewals, self.renewal_objected)

    def restore(self, saved: tuple[Any, ...]) -> None:
        (self.status, self.progress, self.target, self.due_day, self.milestones,
         self.violated_day, self.fulfilled_day, self.suspended_by, self.held_status,
         self.performed_by, self.parts_done, length, self.renewals,
         self.renewal_objected) = saved
        del self.history[length:]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.obligation.id, "status": self.status.value, "progress": self.progress,
            "target": self.target, "due_day": self.due_day,
            "milestones": [list(m) for m in self.milestones],
            "violated_day": self.violated_day, "fulfilled_day": self.fulfilled_day,
            "suspended_by": self.suspended_by,
            "held_status": None if self.held_status is None else self.held_status.value,
            "performed_by": dict(self.performed_by), "parts_done": dict(self.parts_done),
            "history": [record_to_dict(h) for h in self.history],
            "renewals": self.renewals, "renewal_objected": list(self.renewal_objected),
        }

    def load(self, data: dict[str, Any]) -> None:
        self.status = ObligationStatus(data["status"])
        self.progress = data["progress"]
        self.target = data["target"]
        self.due_day = data["due_day"]
        self.milestones = tuple((d, c) for d, c in data["milestones"])
        self.violated_day = data["violated_day"]
        self.fulfilled_day = data.get("fulfilled_day")
        self.suspended_by = data["suspended_by"]
        held = data.get("held_status")
        self.held_status = None if held is None else ObligationStatus(held)
        self.performed_by = dict(data.get("performed_by", {}))
        self.parts_done = dict(data.get("parts_done", {}))
        self.history = [record_from_dict(h) for h in data["history"]]
        self.renewals = data.get("renewals", 0)
        self.renewal_objected = tuple(data.get("renewal_objected", ()))


class Allegation:
    """An alleged violation: by whom, against whom, which obligation, and its ruling."""

    __slots__ = (
        "against",
        "by",
        "day",
        "evidence",
        "id",
        "obligation",
        "refers_to",
        "ruled_by",
        "ruled_day",
        "status",
        "withheld_from",
    )

    def __init__(self, id: str, day: int, by: str, against: str, obligation: str | None,
                 evidence: str, status: AllegationStatus = AllegationStatus.OPEN,
                 ruled_by: str | None = None,
                 ruled_day: int | None = None, withheld_from: int | None = None,
                 refers_to: str | None = None) -> None:
        self.id = id
        self.day = day
        self.by = by
        self.against = against
        self.obligation = obligation
        self.evidence = evidence
        self.status = status
        self.ruled_by = ruled_by
        self.ruled_day = ruled_day
        #: when the obligation alleged about was withheld by the accused: since which day
        self.withheld_from = withheld_from
        #: the id of the report, statement, incident or finding on record it refers to
        self.refers_to = refers_to

    def copy(self) -> Allegation:
        return Allegation(self.id, self.day, self.by, self.against, self.obligation,
                          self.evidence, self.status, self.ruled_by, self.ruled_day,
                          self.withheld_from, self.refers_to)

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
                   data["ruled_day"], data.get("withheld_from"), data.get("refers_to"))

