"""The engine: a run of a deal against dated events on a simulated clock.

A :class:`Run` holds the clock (whole days), the lifecycle state, an obligation
ledger, the log of accepted events, the history of state changes and the
allegations made. :meth:`Run.apply` is all-or-nothing: an event is first checked
against the definition and the current state, and a refused event raises
:class:`~dealmodel.errors.EventRejected` with the reason, leaving the run exactly
as it was. :meth:`Run.check` answers the same question without changing anything.

Moving the clock fires due deadlines in order: each day's obligation deadlines,
then phase expiry. A deadline "on day d" is checked at the end of day d, so
what is performed on day d still counts.

Nothing here knows about a particular deal; the phase lifecycle itself is the
deal's shared ``transitions`` machine (see ``_machine.py``).

Cheap by design (see docs/explanation/performance.md): runs share the deal's machine
and its pristine ledger, forks share ledger entries until one changes them
(copy-on-write), and an event that passes deadlines is rolled back, if refused, from
an undo journal rather than a copy of the run.
"""

from __future__ import annotations

import heapq
import json
import operator
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from dealmodel._machine import Lifecycle, lifecycle
from dealmodel.deal import Deal, Role, deal_from_dict, deal_to_dict
from dealmodel.errors import EventRejected
from dealmodel.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    Extended,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
    event_from_dict,
    event_to_dict,
)
from dealmodel.obligations import Obligation, ObligationKind, ObligationStatus

__all__ = ["Allegation", "LedgerEntry", "LogEntry", "Run", "replay", "start"]

ACTIVE = ObligationStatus.ACTIVE
SUSPENDED = ObligationStatus.SUSPENDED
FULFILLED = ObligationStatus.FULFILLED
VIOLATED = ObligationStatus.VIOLATED
DISCHARGED = ObligationStatus.DISCHARGED
PENDING = ObligationStatus.PENDING
TERMINAL = frozenset(("concluded", "collapsed", "lapsed"))

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
        #: (day, what happened); an int is a quantity performed that day
        self.history: list[tuple[int, str | int]] = []

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.obligation.id, "status": self.status.value, "progress": self.progress,
            "target": self.target, "due_day": self.due_day,
            "milestones": [list(m) for m in self.milestones],
            "violated_day": self.violated_day, "suspended_by": self.suspended_by,
            "history": [list(h) for h in self.history],
        }

    def load(self, data: dict[str, Any]) -> None:
        self.status = ObligationStatus(data["status"])
        self.progress = data["progress"]
        self.target = data["target"]
        self.due_day = data["due_day"]
        self.milestones = tuple((d, c) for d, c in data["milestones"])
        self.violated_day = data["violated_day"]
        self.suspended_by = data["suspended_by"]
        self.history = [(d, t) for d, t in data["history"]]


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
                 evidence: str, status: str = "open", ruled_by: str | None = None,
                 ruled_day: int | None = None) -> None:
        self.id = id
        self.day = day
        self.by = by
        self.against = against
        self.obligation = obligation
        self.evidence = evidence
        self.status = status  # open | upheld | dismissed
        self.ruled_by = ruled_by
        self.ruled_day = ruled_day

    def copy(self) -> Allegation:
        return Allegation(self.id, self.day, self.by, self.against, self.obligation,
                          self.evidence, self.status, self.ruled_by, self.ruled_day)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


class LogEntry:
    """An accepted event with the changes it caused, in order.

    A performance's progress line (``p1_hostages 3/33``) is kept as data and formatted
    only when ``changes`` is read, to keep the engine's inner loop lean.
    """

    __slots__ = ("_changes", "_progress", "_split", "_target", "event")

    def __init__(self, event: Event, changes: list[str] | None, progress: int = -1,
                 target: int | None = None, split: int = 0) -> None:
        self.event = event
        self._changes = changes or None  # most events change nothing else: keep no list
        self._progress = progress
        self._target = target
        self._split = split  # where the progress line goes: after what the clock did

    @property
    def changes(self) -> list[str]:
        changes = self._changes or []
        if self._progress < 0:
            return changes
        line = f"{self.event.obligation} {self._progress}/{self._target or '-'}"  # type: ignore[attr-defined]
        return [*changes[:self._split], line, *changes[self._split:]]


_RUN_SCALARS = ("state", "day", "phase_index", "phase_entered", "phase_end", "extended_days",
                "suspended_from", "suspended_by", "expiry_deferred", "_seq")
_get_scalars = operator.attrgetter(*_RUN_SCALARS)


class Run:
    """One run of a deal. Create with :func:`start` (or ``Run(deal)``); change with apply()."""

    __slots__ = (
        "_deadlines",
        "_journal",
        "_machine",
        "_owned",
        "_seq",
        "agreed",
        "allegations",
        "day",
        "deal",
        "expiry_deferred",
        "extended_days",
        "history",
        "ledger",
        "log",
        "negotiating",
        "phase_end",
        "phase_entered",
        "phase_index",
        "state",
        "suspended_by",
        "suspended_from",
    )

    def __init__(self, deal: Deal) -> None:
        self.deal = deal
        self._machine: Lifecycle = lifecycle(deal)
        self.state = "pending"
        self.day = 0
        self.phase_index = -1
        self.phase_entered = 0
        self.phase_end: int | None = None
        self.extended_days = 0
        self.suspended_from: str | None = None
        self.suspended_by: str | None = None
        self.expiry_deferred = False
        self.negotiating: set[str] = set()
        self.agreed: set[str] = set()
        # The ledger starts as the deal's pristine one, shared: entries are copied on
        # first write (see _writable), so starting a run costs one dict copy.
        self.ledger = self._machine.pristine_ledger().copy()
        self.log: list[LogEntry] = []
        self.history: list[tuple[str, int]] = [("pending", 0)]
        self.allegations: list[Allegation] = []
        self._deadlines: list[tuple[int, int, int, str]] = [(0, _ENTRY, 0, "")]
        self._seq = 1
        self._journal: dict[LedgerEntry, tuple[Any, ...]] | None = None
        #: ids of the ledger entries this run may change in place. A new run shares the
        #: deal's pristine entries, and after a fork both runs share theirs: an entry is
        #: copied before its first change (see _writable).
        self._owned: set[str] = set()

    # -- reading ---------------------------------------------------------------------
    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    @property
    def phase_id(self) -> str | None:
        return self.deal.phases[self.phase_index].id if self.phase_index >= 0 else None

    def owed(self, entry: LedgerEntry) -> int | None:
        """What is owed now: the target, or for a reciprocal duty, ratio x the other's progress."""
        ob = entry.obligation
        if not ob.reciprocal:
            return entry.target
        ledger = self.ledger
        owed = 0
        for r in ob.reciprocal:
            owed += r.ratio * ledger[r.per].progress
        return owed if entry.target is None else min(owed, entry.target)

    def events(self) -> list[Event]:
        """The accepted events, in order."""
        return [e.event for e in self.log]

    def phase_ready(self, index: int) -> bool:
        """Whether phase ``index`` may be entered: agreed if required, entry condition true."""
        phase = self.deal.phases[index]
        if phase.requires_agreement and phase.id not in self.agreed:
            return False
        return phase.entry_condition is None or phase.entry_condition.evaluate(self)

    # ConditionContext
    def variable(self, name: str) -> int | str | bool:
        if name == "day":
            return self.day
        if name == "phase_day":
            return self.day - self.phase_entered + 1 if self.phase_index >= 0 else 0
        return self.state

    def call(self, name: str, args: tuple[str, ...]) -> int | str | bool:
        arg = args[0]
        if name in ("delivered", "released"):
            return sum(e.progress for e in self.ledger.values()
                       if e.obligation.id == arg or e.obligation.unit == arg)
        if name == "progress":
            return self.ledger[arg].progress
        if name == "target":
            return self.owed(self.ledger[arg]) or 0
        if name == "status":
            return self.ledger[arg].status.value
        if name == "fulfilled":
            return self.ledger[arg].status is FULFILLED
        if name == "violated":
            return self.ledger[arg].status is VIOLATED
        if name == "agreed":
            return arg in self.agreed
        if name == "negotiating":
            return arg in self.negotiating
        if name == "allegations":
            return sum(1 for a in self.allegations if a.against == arg)
        if name == "upheld":
            return sum(1 for a in self.allegations if a.against == arg and a.status == "upheld")
        raise KeyError(name)  # pragma: no cover - compile_condition rejects unknown names

    # -- applying --------------------------------------------------------------------
    def apply(self, event: Event) -> LogEntry:
        """Apply one event, all or nothing. Raises EventRejected (run unchanged)."""
        if event.day < self.day:
            raise EventRejected(event, f"the event is dated day {event.day}, before the "
                                f"clock (day {self.day}); events must be in date order")
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise EventRejected(event, f"unknown event type {type(event).__name__}")
        check, commit = handler
        changes: list[str] = []
        deadlines = self._deadlines
        if deadlines and deadlines[0][0] < event.day and check is _check_advance:
            self._advance(event.day, changes)  # moving the clock alone is never refused
        elif deadlines and deadlines[0][0] < event.day:
            undo = self._undo_record()
            try:
                self._advance(event.day, changes)
                check(self, event)
            except EventRejected:
                self._undo(undo)
                raise
            self._journal = None
        else:
            check(self, event)
            self.day = event.day
        if commit is _commit_perform:
            split = len(changes)
            progress, target = commit(self, event, changes)
            entry = LogEntry(event, changes, progress, target, split)
        else:
            commit(self, event, changes)
            entry = LogEntry(event, changes)
        self.log.append(entry)
        return entry

    def apply_all(self, events: Iterable[Event]) -> Run:
        """Apply events in order (stops at the first refusal, which raises)."""
        for event in events:
            self.apply(event)
        return self

    def check(self, event: Event) -> str | None:
        """Dry run: None if ``event`` could be applied now, else the reason it would be refused."""
        if event.day < self.day:
            return (f"the event is dated day {event.day}, before the clock (day {self.day}); "
                    "events must be in date order")
        handler = _HANDLERS.get(type(event))
        if handler is None:
            return f"unknown event type {type(event).__name__}"
        undo = None
        if self._deadlines and self._deadlines[0][0] < event.day:
            undo = self._undo_record()
            self._advance(event.day, [])
        try:
            handler[0](self, event)
        except EventRejected as exc:
            return exc.reason
        finally:
            if undo is not None:
                self._undo(undo)
        return None

    def can_apply(self, event: Event) -> bool:
        return self.check(event) is None

    def advance_to(self, day: int) -> LogEntry:
        """Move the clock to ``day`` (shorthand for applying ClockAdvanced(day))."""
        return self.apply(ClockAdvanced(day))

    # -- copying ---------------------------------------------------------------------
    def fork(self) -> Run:
        """An independent copy: changing one never touches the other."""
        new = Run.__new__(Run)
        new.deal = self.deal
        new._machine = self._machine
        new.state = self.state
        new.day = self.day
        new.phase_index = self.phase_index
        new.phase_entered = self.phase_entered
        new.phase_end = self.phase_end
        new.extended_days = self.extended_days
        new.suspended_from = self.suspended_from
        new.suspended_by = self.suspended_by
        new.expiry_deferred = self.expiry_deferred
        new.negotiating = self.negotiating.copy()
        new.agreed = self.agreed.copy()
        new.ledger = self.ledger.copy()  # entries are shared: copied on first write
        new._owned = set()
        self._owned = set()
        new.log = self.log.copy()
        new.history = self.history.copy()
        allegations = self.allegations
        new.allegations = [a.copy() for a in allegations] if allegations else []
        new._deadlines = self._deadlines.copy()
        new._seq = self._seq
        new._journal = None
        return new

    # What advancing the clock can change, and how to put it back. Advancing only sets
    # scalars, the negotiating set, ledger statuses and deadlines, and appends to
    # histories; the log, agreements and allegations are untouched. Cheaper than fork().
    def _undo_record(self) -> tuple[Any, ...]:
        self._journal = {}  # ledger entries are saved as advancing first touches them
        return (_get_scalars(self), set(self.negotiating), len(self.history),
                self._deadlines.copy())

    def _writable(self, entry: LedgerEntry) -> LedgerEntry:
        """The entry to change in place: this run's own copy (copy-on-write after a fork),
        its state saved first if an undoable advance is under way (see _undo_record)."""
        owned = self._owned
        oid = entry.obligation.id
        if oid not in owned:
            self.ledger[oid] = entry = entry.copy()
            owned.add(oid)
        journal = self._journal
        if journal is not None and entry not in journal:
            journal[entry] = (entry.status, entry.due_day, entry.milestones,
                              entry.violated_day, len(entry.history))
        return entry

    def _undo(self, record: tuple[Any, ...]) -> None:
        scalars, negotiating, history, deadlines = record
        for name, value in zip(_RUN_SCALARS, scalars, strict=True):
            setattr(self, name, value)
        self.negotiating = negotiating
        del self.history[history:]
        self._deadlines = deadlines
        for entry, (status, due_day, milestones, violated_day, length) in (
                self._journal or {}).items():
            entry.status = status
            entry.due_day = due_day
            entry.milestones = milestones
            entry.violated_day = violated_day
            del entry.history[length:]
        self._journal = None

    # -- saving ----------------------------------------------------------------------
    def to_dict(self, include_deal: bool = True) -> dict[str, Any]:
        """Everything needed to restore this run exactly (see :meth:`from_dict`)."""
        data: dict[str, Any] = {
            "format": "dealmodel.run/1",
            "deal_id": self.deal.id,
            "state": self.state, "day": self.day, "phase_index": self.phase_index,
            "phase_entered": self.phase_entered, "phase_end": self.phase_end,
            "extended_days": self.extended_days, "suspended_from": self.suspended_from,
            "suspended_by": self.suspended_by, "expiry_deferred": self.expiry_deferred,
            "negotiating": sorted(self.negotiating), "agreed": sorted(self.agreed),
            "ledger": [e.to_dict() for e in self.ledger.values()],
            "log": [{"event": event_to_dict(e.event), "changes": list(e.changes)}
                    for e in self.log],
            "history": [list(h) for h in self.history],
            "allegations": [a.to_dict() for a in self.allegations],
            "deadlines": [list(d) for d in sorted(self._deadlines)],
            "seq": self._seq,
        }
        if include_deal:
            data["deal"] = deal_to_dict(self.deal)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any], deal: Deal | None = None) -> Run:
        """Restore a run saved by :meth:`to_dict`; the restored run continues identically."""
        if deal is None:
            deal = deal_from_dict(data["deal"], source="saved run")
        run = cls(deal)
        run.state = data["state"]
        run.day = data["day"]
        run.phase_index = data["phase_index"]
        run.phase_entered = data["phase_entered"]
        run.phase_end = data["phase_end"]
        run.extended_days = data["extended_days"]
        run.suspended_from = data["suspended_from"]
        run.suspended_by = data["suspended_by"]
        run.expiry_deferred = data["expiry_deferred"]
        run.negotiating = set(data["negotiating"])
        run.agreed = set(data["agreed"])
        for item in data["ledger"]:
            run._writable(run.ledger[item["id"]]).load(item)
        run.log = []
        for item in data["log"]:
            event, problems = event_from_dict(item["event"])
            if event is None:
                raise ValueError(f"saved run has a bad event: {problems[0]}")
            run.log.append(LogEntry(event, list(item["changes"])))  # formatted already
        run.history = [(s, d) for s, d in data["history"]]
        run.allegations = [Allegation(**a) for a in data["allegations"]]
        run._deadlines = [(d, k, s, r) for d, k, s, r in data["deadlines"]]
        heapq.heapify(run._deadlines)
        run._seq = data["seq"]
        return run

    @classmethod
    def from_json(cls, text: str, deal: Deal | None = None) -> Run:
        return cls.from_dict(json.loads(text), deal)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Run:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def __repr__(self) -> str:
        return f"<Run {self.deal.id} day {self.day} {self.state}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter shows the run over its deal's diagram (text when no renderer is installed)."""
        from dealmodel.diagrams import mimebundle

        return mimebundle(self)

    # -- the clock -----------------------------------------------------------------
    def _push(self, day: int, kind: int, ref: str) -> None:
        heapq.heappush(self._deadlines, (day, kind, self._seq, ref))
        self._seq += 1

    def _advance(self, day: int, changes: list[str]) -> None:
        """Move the clock to ``day``, firing every deadline that falls before it."""
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] < day:
            if self.state in TERMINAL:  # nothing is due once the deal has ended
                deadlines.clear()
                break
            due, kind, _, ref = heapq.heappop(deadlines)
            self.day = due + 1
            if kind == _MILESTONE:
                self._check_deadline(self.ledger[ref], due, changes)
            elif kind == _EXPIRY:
                if self.phase_end == due and self.phase_id == ref:
                    self._expire(changes)
            else:
                self._enter(0, changes)
        self.day = day

    def _set_state(self, trigger: str, changes: list[str]) -> None:
        if not self._machine.fire(trigger, self):  # pragma: no cover - checked before
            raise AssertionError(f"{trigger} refused from {self.state}")
        self.history.append((self.state, self.day))
        changes.append(f"state -> {self.state}")

    def _enter(self, index: int, changes: list[str]) -> None:
        """Enter phase ``index`` (the lifecycle transition has been chosen by the caller)."""
        phase = self.deal.phases[index]
        self._set_state("enter_force" if index == 0 else "advance", changes)
        self.phase_index = index
        self.phase_entered = self.day
        self.extended_days = 0
        self.phase_end = (self.day + phase.duration_days - 1
                          if phase.duration_days is not None else None)
        self.negotiating.discard(phase.id)
        start = self.day - 1
        ledger = self.ledger
        for oid in self._machine.obligations[index]:
            entry = self._writable(ledger[oid])
            ob = entry.obligation
            entry.status = ACTIVE
            entry.history.append((self.day, "active"))
            if ob.schedule:
                entry.milestones = tuple((start + m.day, m.cumulative) for m in ob.schedule)
                for d, _ in entry.milestones:
                    self._push(d, _MILESTONE, ob.id)
                entry.due_day = entry.milestones[-1][0]
            elif ob.due_day is not None:
                entry.due_day = start + ob.due_day
                self._push(entry.due_day, _MILESTONE, ob.id)
            elif ob.kind in (ObligationKind.QUANTITY, ObligationKind.ACT):
                entry.due_day = self.phase_end  # checked when the phase expires
        if self.phase_end is not None:
            self._push(self.phase_end, _EXPIRY, phase.id)

    def _violate(self, entry: LedgerEntry, day: int, why: str, changes: list[str]) -> None:
        entry = self._writable(entry)
        entry.status = VIOLATED
        if entry.violated_day is None:
            entry.violated_day = day
        entry.history.append((day, f"violated: {why}"))
        changes.append(f"{entry.obligation.id} violated ({why})")

    def _check_deadline(self, entry: LedgerEntry, due: int, changes: list[str]) -> None:
        status = entry.status
        if status is not ACTIVE and status is not SUSPENDED:
            return  # settled or violated already: a stale deadline
        ob = entry.obligation
        if ob.kind is _ACT:
            if entry.progress < 1:
                self._violate(entry, due, f"not done by day {due}", changes)
            return
        needed: int | None = None
        for day, cumulative in entry.milestones:
            if day == due:
                needed = cumulative
                break
        else:
            needed = self.owed(entry) if ob.reciprocal else entry.target
        if needed is not None and entry.progress < needed:
            self._violate(entry, due, f"{entry.progress} of {needed} by day {due}", changes)
        elif due == entry.due_day and ob.reciprocal:
            entry = self._writable(entry)
            entry.status = FULFILLED
            entry.history.append((due, "fulfilled"))
            changes.append(f"{ob.id} fulfilled")

    def _expire(self, changes: list[str]) -> None:
        """The current phase's time is up: follow its expiry rule."""
        state = self.state
        if state.endswith(":suspended"):
            self.expiry_deferred = True
            changes.append(f"{self.phase_id} time is up; expiry waits for resumption")
            return
        index = self.phase_index
        end = self.phase_end
        if end is not None:
            ledger = self.ledger
            for oid in self._machine.due_at_end[index]:  # due "by the end of the phase"
                entry = ledger[oid]
                if entry.due_day == end:
                    self._check_deadline(entry, end, changes)
        machine = self._machine
        if index + 1 < len(self.deal.phases):
            if machine.can("advance", state) and self.phase_ready(index + 1):
                self._close_phase(index, changes)
                self._enter(index + 1, changes)
            elif machine.fire("limbo", self):
                self.history.append((self.state, self.day))
                changes.append(f"state -> {self.state}")
            else:
                self._set_state("lapse", changes)
                self._discharge(changes)
        elif machine.can("conclude", state):
            self._close_phase(index, changes)
            self._set_state("conclude", changes)
        else:
            self._set_state("lapse", changes)
            self._discharge(changes)

    def _close_phase(self, index: int, changes: list[str]) -> None:
        """A phase hands over: its standing duties (ongoing, prohibitions) are complete."""
        ledger = self.ledger
        for oid in self._machine.standing[index]:
            entry = ledger[oid]
            if entry.status not in (ACTIVE, SUSPENDED):
                continue
            entry = self._writable(entry)
            if entry.status is ACTIVE:
                entry.status = FULFILLED
                entry.history.append((self.day, "fulfilled: phase ended"))
            else:
                entry.status = DISCHARGED
                entry.history.append((self.day, "discharged: phase ended while suspended"))
            changes.append(f"{oid} {entry.status.value}")

    def _discharge(self, changes: list[str]) -> None:
        """The deal has ended: every live obligation is discharged."""
        for entry in list(self.ledger.values()):
            if entry.status in (ACTIVE, SUSPENDED):
                entry = self._writable(entry)
                entry.status = DISCHARGED
                entry.history.append((self.day, f"discharged: deal {self.state}"))
                changes.append(f"{entry.obligation.id} discharged")
        self.negotiating.clear()

    def _conclude_if_settled(self, changes: list[str]) -> None:
        """An open-ended last phase concludes once all its obligations are settled."""
        index = self.phase_index
        if index < 0 or not self._machine.can("conclude", self.state):
            return
        ledger = self.ledger
        if all(ledger[oid].status.settled for oid in self._machine.settling[index]):
            self._close_phase(index, changes)
            self._set_state("conclude", changes)

    def _in_limbo_for(self, phase_id: str) -> bool:
        index = self.phase_index
        return (index >= 0 and index + 1 < len(self.deal.phases)
                and self.deal.phases[index + 1].id == phase_id
                and self.state == self.deal.phases[index].limbo_state)

    # -- explaining refusals --------------------------------------------------------
    def _refuse(self, event: Event, reason: str) -> EventRejected:
        return EventRejected(event, reason)

    def _live(self, event: Event) -> None:
        if self.state in TERMINAL:
            raise self._refuse(event, f"the deal has ended (state is {self.state!r}, "
                               f"since day {self.history[-1][1]})")

    def _in_force(self, event: Event) -> None:
        self._live(event)
        if self.state == "pending":
            raise self._refuse(event, "the deal is not yet in force (state is 'pending'); "
                               "it takes effect on day 1")

    def _party(self, event: Event, party: str, field: str, parties_only: bool = False) -> None:
        if not self.deal.has_party(party):
            known = ", ".join(p.id for p in self.deal.parties)
            raise self._refuse(event, f"{field} {party!r} is not a party or mediator of "
                               f"{self.deal.id} (known: {known})")
        if parties_only and self.deal.party(party).role is not Role.PARTY:
            raise self._refuse(event, f"{field} {party!r} is a "
                               f"{self.deal.party(party).role.value}, not a party")

    def _obligation(self, event: Event, obligation_id: str) -> LedgerEntry:
        entry = self.ledger.get(obligation_id)
        if entry is None:
            raise self._refuse(event, f"unknown obligation {obligation_id!r} in "
                               f"{self.deal.id}")
        return entry

    def _next_phase(self, event: Event, phase_id: str) -> None:
        known = [p.id for p in self.deal.phases]
        if phase_id not in known:
            raise self._refuse(event, f"unknown phase {phase_id!r} (phases: {', '.join(known)})")
        expected = self.phase_index + 1
        if self.deal.phase_index(phase_id) != expected:
            nxt = known[expected] if expected < len(known) else "none (this is the last phase)"
            raise self._refuse(event, f"only the next phase can be negotiated: "
                               f"{phase_id!r} is not next (next is {nxt}; state is "
                               f"{self.state!r})")


# -- handlers: (check, commit) per event type -------------------------------------------
def _check_advance(run: Run, event: Event) -> None:
    return None


def _commit_nothing(run: Run, event: Event, changes: list[str]) -> None:
    return None


def _check_perform(run: Run, event: Performed) -> None:
    entry = run.ledger.get(event.obligation)
    if entry is None:
        raise run._refuse(event, f"unknown obligation {event.obligation!r} in {run.deal.id}")
    if run.state in TERMINAL:
        run._live(event)
    ob = entry.obligation
    if event.party != ob.obligor:
        raise run._refuse(event, f"only {ob.obligor!r} can perform {ob.id!r}; "
                          f"party was {event.party!r}")
    status = entry.status
    if status is not ACTIVE and status is not VIOLATED:
        if status is PENDING:
            phase = run.deal.phases[run.deal.obligation_phase(ob.id)].id
            why = f"its phase {phase!r} has not begun (state is {run.state!r})"
        elif status is SUSPENDED:
            why = f"{entry.suspended_by} has suspended it; resume it first"
        else:
            why = f"it is {status.value}"
        raise run._refuse(event, f"{ob.id!r} cannot be performed: {why}")
    quantity = event.quantity
    if quantity < 1:
        raise run._refuse(event, f"quantity must be at least 1, got {quantity}")
    kind = ob.kind
    if kind is ObligationKind.PROHIBITION:
        raise run._refuse(event, f"{ob.id!r} is a prohibition: it is kept by not acting; "
                          "report an act against it with an 'allege' event")
    cap = entry.target
    if kind is ObligationKind.QUANTITY and ob.reciprocal and cap is None:
        cap = run.owed(entry)
    if cap is not None and entry.progress + quantity > cap:
        raise run._refuse(event, f"more than is owed: {ob.id!r} has progress "
                          f"{entry.progress} of {cap} {ob.unit}, performing {quantity} "
                          f"would make {entry.progress + quantity}")


def _commit_perform(run: Run, event: Performed, changes: list[str]) -> tuple[int, int | None]:
    entry = run.ledger[event.obligation]
    if event.obligation not in run._owned:  # inlined: the common case owns it already
        entry = run._writable(entry)
    entry.progress += event.quantity
    target = entry.target
    entry.history.append((event.day, event.quantity))
    if (target is not None and entry.progress >= target and entry.status is ACTIVE
            and entry.obligation.kind is not ObligationKind.ONGOING):
        entry.status = FULFILLED
        entry.history.append((event.day, "fulfilled"))
        changes.append(f"{entry.obligation.id} fulfilled")
        if run.phase_end is None:
            run._conclude_if_settled(changes)
    return entry.progress, target


def _check_negotiations(run: Run, event: Event) -> None:
    assert isinstance(event, (NegotiationsOpened, NegotiationsEnded, AgreementReached))
    run._in_force(event)
    run._next_phase(event, event.phase)
    if isinstance(event, NegotiationsOpened):
        if event.phase in run.agreed:
            raise run._refuse(event, f"{event.phase!r} is already agreed")
        if event.phase in run.negotiating:
            raise run._refuse(event, f"negotiations on {event.phase!r} are already open "
                              "(since an earlier event)")
    elif event.phase not in run.negotiating:
        raise run._refuse(event, f"negotiations on {event.phase!r} are not open "
                          "(negotiating(\"{0}\") = false); add a negotiations_opened event "
                          "first".format(event.phase))


def _commit_opened(run: Run, event: Event, changes: list[str]) -> None:
    run.negotiating.add(event.phase)  # type: ignore[attr-defined]
    changes.append(f"negotiating {event.phase}")  # type: ignore[attr-defined]


def _commit_ended(run: Run, event: Event, changes: list[str]) -> None:
    run.negotiating.discard(event.phase)  # type: ignore[attr-defined]
    changes.append(f"talks on {event.phase} ended")  # type: ignore[attr-defined]
    if run._in_limbo_for(event.phase):  # type: ignore[attr-defined]
        run._set_state("lapse", changes)
        run._discharge(changes)


def _commit_agreed(run: Run, event: Event, changes: list[str]) -> None:
    phase_id = event.phase  # type: ignore[attr-defined]
    run.negotiating.discard(phase_id)
    run.agreed.add(phase_id)
    changes.append(f"{phase_id} agreed")
    if run._in_limbo_for(phase_id) and run.phase_ready(run.phase_index + 1):
        run._close_phase(run.phase_index, changes)
        run._enter(run.phase_index + 1, changes)


def _check_suspend(run: Run, event: Event) -> None:
    assert isinstance(event, (Suspended, Resumed))
    run._in_force(event)
    run._party(event, event.party, "party", parties_only=True)
    suspend = isinstance(event, Suspended)
    if event.obligation is not None:
        entry = run._obligation(event, event.obligation)
        if entry.obligation.obligor != event.party:
            raise run._refuse(event, f"{event.party!r} cannot suspend or resume "
                              f"{entry.obligation.id!r}: it is owed by "
                              f"{entry.obligation.obligor!r}")
        if suspend and entry.status is not ACTIVE:
            raise run._refuse(event, f"{entry.obligation.id!r} is {entry.status.value}, "
                              "only an active obligation can be suspended")
        if not suspend and entry.status is not SUSPENDED:
            raise run._refuse(event, f"{entry.obligation.id!r} is {entry.status.value}, "
                              "not suspended")
        return
    if suspend:
        if not run._machine.can("suspend", run.state):
            phase = run.deal.phases[run.phase_index]
            why = ("the phase does not allow it (suspendable: false)"
                   if not phase.suspendable else f"state is {run.state!r}")
            raise run._refuse(event, f"the deal cannot be suspended now: {why}")
    elif not run.state.endswith(":suspended"):
        raise run._refuse(event, f"nothing to resume: state is {run.state!r}")
    elif run.suspended_by != event.party:
        raise run._refuse(event, f"only {run.suspended_by!r}, who suspended the deal, can "
                          f"resume it; party was {event.party!r}")


def _commit_suspend(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Suspended)
    if event.obligation is not None:
        entries = [run.ledger[event.obligation]]
    else:
        entries = [e for e in run.ledger.values()
                   if e.obligation.obligor == event.party and e.status is ACTIVE]
        run.suspended_from = run.state
        run.suspended_by = event.party
        run._set_state("suspend", changes)
    for entry in entries:
        entry = run._writable(entry)
        entry.status = SUSPENDED
        entry.suspended_by = event.party
        entry.history.append((event.day, f"suspended by {event.party}"))
        changes.append(f"{entry.obligation.id} suspended")


def _commit_resume(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Resumed)
    if event.obligation is not None:
        entries = [run.ledger[event.obligation]]
    else:
        entries = [e for e in run.ledger.values()
                   if e.status is SUSPENDED and e.suspended_by == event.party]
        run._set_state("resume", changes)
        run.suspended_from = run.suspended_by = None
    for entry in entries:
        entry = run._writable(entry)
        entry.status = ACTIVE
        entry.suspended_by = None
        entry.history.append((event.day, f"resumed by {event.party}"))
        changes.append(f"{entry.obligation.id} resumed")
    if run.expiry_deferred and event.obligation is None:
        run.expiry_deferred = False
        run._expire(changes)


def _check_extend(run: Run, event: Event) -> None:
    assert isinstance(event, Extended)
    run._in_force(event)
    phase = run.deal.phases[run.phase_index]
    ext = phase.extension
    if ext is None:
        raise run._refuse(event, f"phase {phase.id!r} has no extension clause")
    if event.by not in ext.granted_by:
        raise run._refuse(event, f"{event.by!r} holds no power to extend {phase.id!r} "
                          f"(granted to: {', '.join(ext.granted_by)})")
    if not run._machine.can("extend", run.state):
        raise run._refuse(event, f"{phase.id!r} cannot be extended from state {run.state!r}")
    if event.days < 1:
        raise run._refuse(event, f"days must be at least 1, got {event.days}")
    if run.extended_days + event.days > ext.max_days:
        raise run._refuse(event, f"extension beyond the maximum: {run.extended_days} day(s) "
                          f"used + {event.days} > max_days {ext.max_days}")


def _commit_extend(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Extended) and run.phase_end is not None
    phase = run.deal.phases[run.phase_index]
    assert phase.extension is not None
    run.extended_days += event.days
    run.phase_end += event.days
    run._set_state("extend", changes)
    for ob_id, per_day in phase.extension.per_day:
        entry = run._writable(run.ledger[ob_id])
        entry.target = (entry.target or 0) + per_day * event.days
        if entry.status is FULFILLED:
            entry.status = ACTIVE
        changes.append(f"{ob_id} target -> {entry.target}")
    for oid in run._machine.due_at_end[run.phase_index]:
        entry = run.ledger[oid]
        if entry.due_day is not None:
            run._writable(entry).due_day = run.phase_end
    run._push(run.phase_end, _EXPIRY, phase.id)


def _check_allege(run: Run, event: Event) -> None:
    assert isinstance(event, ViolationAlleged)
    run._in_force(event)
    run._party(event, event.by, "by")
    run._party(event, event.against, "against", parties_only=True)
    if event.by == event.against:
        raise run._refuse(event, f"{event.by!r} cannot allege a violation against itself")
    if event.obligation is not None:
        entry = run._obligation(event, event.obligation)
        if entry.obligation.obligor != event.against:
            raise run._refuse(event, f"{entry.obligation.id!r} is owed by "
                              f"{entry.obligation.obligor!r}, not {event.against!r}")


def _commit_allege(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, ViolationAlleged)
    allegation = Allegation(f"A{len(run.allegations) + 1}", event.day, event.by, event.against,
                            event.obligation, event.evidence)
    run.allegations.append(allegation)
    changes.append(f"allegation {allegation.id} open")


def _check_rule(run: Run, event: Event) -> None:
    assert isinstance(event, Ruling)
    run._party(event, event.by, "by")
    if run.deal.party(event.by).role is Role.PARTY:
        raise run._refuse(event, f"{event.by!r} is a party; only a mediator, guarantor or "
                          "monitor can rule on an allegation")
    found = [a for a in run.allegations if a.id == event.allegation]
    if not found:
        known = ", ".join(a.id for a in run.allegations) or "none yet"
        raise run._refuse(event, f"unknown allegation {event.allegation!r} (allegations: "
                          f"{known})")
    if found[0].status != "open":
        raise run._refuse(event, f"allegation {event.allegation!r} was already "
                          f"{found[0].status} on day {found[0].ruled_day}")


def _commit_rule(run: Run, event: Event, changes: list[str]) -> None:
    assert isinstance(event, Ruling)
    allegation = next(a for a in run.allegations if a.id == event.allegation)
    allegation.status = "upheld" if event.upheld else "dismissed"
    allegation.ruled_by = event.by
    allegation.ruled_day = event.day
    changes.append(f"allegation {allegation.id} {allegation.status}")
    if event.upheld and allegation.obligation is not None:
        entry = run.ledger[allegation.obligation]
        if entry.status is not VIOLATED:
            run._violate(entry, event.day, f"allegation {allegation.id} upheld by {event.by}",
                         changes)


def _check_hostilities(run: Run, event: Event) -> None:
    assert isinstance(event, HostilitiesResumed)
    run._live(event)
    if event.by is not None:
        run._party(event, event.by, "by", parties_only=True)


def _commit_hostilities(run: Run, event: Event, changes: list[str]) -> None:
    run._set_state("collapse", changes)
    run._discharge(changes)


# Each handler takes its own event class; the table is keyed by that class.
_HANDLERS: dict[type[Event], tuple[Callable[..., None], Callable[..., Any]]] = {
    ClockAdvanced: (_check_advance, _commit_nothing),
    Performed: (_check_perform, _commit_perform),
    NegotiationsOpened: (_check_negotiations, _commit_opened),
    NegotiationsEnded: (_check_negotiations, _commit_ended),
    AgreementReached: (_check_negotiations, _commit_agreed),
    Suspended: (_check_suspend, _commit_suspend),
    Resumed: (_check_suspend, _commit_resume),
    Extended: (_check_extend, _commit_extend),
    ViolationAlleged: (_check_allege, _commit_allege),
    Ruling: (_check_rule, _commit_rule),
    HostilitiesResumed: (_check_hostilities, _commit_hostilities),
}


def start(deal: Deal) -> Run:
    """A new run of ``deal`` at day 0, not yet in force (it takes effect on day 1)."""
    return Run(deal)


def replay(deal: Deal, events: Iterable[Event]) -> Run:
    """A new run with ``events`` applied in order (raises at the first refusal)."""
    return Run(deal).apply_all(events)

