"""The Run: clock, lifecycle state, ledger and history of one run of a deal.

A :class:`Run` holds the clock (whole days), the lifecycle state, an obligation
ledger, the log of accepted events, the history of state changes and the
allegations made. :meth:`Run.apply` is all-or-nothing: an event is first checked
against the definition and the current state, and a refused event raises
:class:`~dealmodel.errors.EventRejected` with the reason, leaving the run exactly
as it was. :meth:`Run.check` answers the same question without changing anything.

Moving the clock fires due deadlines in order (see :mod:`dealmodel.engine.clock`):
each day's obligation deadlines, then phase expiry. A deadline "on day d" is checked
at the end of day d, so what is performed on day d still counts.

Cheap by design (see docs/explanation/performance.md): runs share the deal's machine
and its pristine ledger, forks share ledger entries until one changes them
(copy-on-write), and an event that passes deadlines is rolled back, if refused, from
an undo journal rather than a copy of the run.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dealmodel import _display
from dealmodel.engine import (
    handlers,  # noqa: F401  (registers the event handlers)
    obligation_handlers,  # noqa: F401  (registers performing, withholding, ending duties)
    persist,
    power_handlers,  # noqa: F401  (registers the handlers of powers)
    queries,
    record_handlers,  # noqa: F401  (registers reports, statements, incidents, findings)
)
from dealmodel.engine.clock import advance, conclude_if_settled
from dealmodel.engine.duties import anchor_reached
from dealmodel.engine.guards import handler_for
from dealmodel.engine.ledger import (
    _ENTRY,
    TERMINAL,
    Allegation,
    LedgerEntry,
)
from dealmodel.engine.machine import Lifecycle, lifecycle
from dealmodel.engine.record_handlers import RecordIndex
from dealmodel.engine.records import AfterEnd, Ended, LogEntry, OnRecord, Record
from dealmodel.engine.registry import HANDLERS, Handler
from dealmodel.errors import EventRejected
from dealmodel.io.resolve import Source, read_source
from dealmodel.model.deal import Deal
from dealmodel.model.events import ClockAdvanced, Event

__all__ = ["Run", "replay", "start"]


#: The run's plain values (immutable each): copied by fork(), saved for undo, persisted.
_RUN_SCALARS = ("state", "day", "phase_index", "phase_entered", "phase_end", "extended_days",
                "suspended_from", "suspended_by", "expiry_deferred", "renewals",
                "renewal_objected", "termination", "end", "_seq")
_get_scalars = operator.attrgetter(*_RUN_SCALARS)


class Run:
    """One run of a deal. Create with :func:`start` (or ``Run(deal)``); change with apply()."""

    __slots__ = (
        "_deadlines", "_journal", "_machine", "_noted", "_noted_index", "_owned",
        "_owned_allegations", "_seq", "_shared",
        "agreed", "allegations", "day", "deal", "end", "expiry_deferred", "extended_days",
        "history", "ledger", "log", "negotiating", "phase_end", "phase_entered", "phase_index",
        "renewal_objected", "renewals", "state", "suspended_by", "suspended_from", "termination"
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
        self.renewals = 0  # renewals of the current phase's term
        self.renewal_objected: tuple[str, ...] = ()  # who objected to renewing this term
        #: a termination on notice: (the day it takes effect, by whom)
        self.termination: tuple[int, tuple[str, ...]] | None = None
        self.end: Ended | None = None  # how and when the deal ended
        self.negotiating: set[str] = set()
        self.agreed: set[str] = set()
        # The ledger starts as the deal's pristine one, shared: entries are copied on
        # first write (see _writable), so starting a run costs one dict copy.
        self.ledger = self._machine.pristine_ledger().copy()
        self.log: list[LogEntry] = []
        self.history: list[tuple[str, int]] = [("pending", 0)]
        self.allegations: list[Allegation] = []
        # what was put on record (reports, statements, incidents, findings), in order,
        # and its index (ids, counts, running totals; rebuilt after an undo): history,
        # not state - nothing the deal does depends on it (see the ``noted`` property)
        self._noted: list[OnRecord] = []
        self._noted_index: RecordIndex | None = None
        # the first deadline: the deal takes effect at the end of day 0. Its sequence
        # number only breaks ties between deadlines of one day and kind, and there is only
        # ever one entry: any number would do (saved runs show it, nothing reads it).
        self._deadlines: list[tuple[int, int, int, str]] = [(
            0, _ENTRY,
            0,  # mutate: skip[const] (the sequence number, see above)
            "")]
        self._seq = 1
        self._journal: dict[str, tuple[Any, Any]] | None = None
        self._owned_allegations: set[str] = set()
        self._shared = False  # mutate: skip (every event sets it before it is read)
        #: ids of the ledger entries this run may change in place. A new run shares the
        #: deal's pristine entries, and after a fork both runs share theirs: an entry is
        #: copied before its first change (see _writable).
        self._owned: set[str] = set()

    # -- reading ---------------------------------------------------------------------
    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    @property
    def noted(self) -> list[OnRecord]:
        """What was put on record (reports, statements, incidents, findings), in order."""
        return self._noted

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
    # ConditionContext (see dealmodel.engine.queries)
    def variable(self, name: str) -> int | str | bool:
        return queries.variable(self, name)

    def call(self, name: str, args: tuple[str, ...]) -> int | str | bool:
        return queries.call(self, name, args)

    def allegation(self, allegation_id: str) -> Allegation | None:
        """The allegation with id ``allegation_id`` (``A1``, ``A2``, ...), or None."""
        if allegation_id[:1] == "A" and allegation_id[1:].isdigit():
            index = int(allegation_id[1:]) - 1
            if 0 <= index < len(self.allegations):
                return self.allegations[index]
        return None

    # -- applying --------------------------------------------------------------------
    def apply(self, event: Event) -> LogEntry:
        """Apply one event, all or nothing.

        A refusal raises :class:`~dealmodel.errors.EventRejected`; any other exception
        is re-raised too. Either way the run is restored exactly as it was first.
        """
        handler = HANDLERS.get(type(event))
        if (handler is None
                or event.day < self.day):  # mutate: skip[flip] (<=: the same handler, slower)
            handler = self._handler(event)  # raises the refusal
        records: list[Record] = []
        undo = self._undo_record()
        try:
            if self._deadlines and self._deadlines[0][0] < event.day:
                advance(self, event.day, records)
            else:
                self.day = event.day
            if self.state in TERMINAL and type(event) is not ClockAdvanced:
                self._after_end(handler, event, records)
            else:
                handler.check(self, event)
                handler.commit(self, event, records)
                if event.TYPE in self._machine.event_anchors:  # deadlines counted from it
                    anchor_reached(self, f"event:{event.TYPE}", event.day, records)
                # (after a neutral event this is a no-op: it changes no duty, and the
                # clock concludes the phase when its deadlines settle the last duty)
                if self.phase_end is None and not handler.neutral:  # mutate: skip[swap] (no-op)
                    conclude_if_settled(self, records)  # an open-ended last phase, settled
            entry = LogEntry(event, records)
            self.log.append(entry)
        except BaseException:
            self._undo(undo)
            raise
        self._journal = None
        self._shared = False  # mutate: skip (every event sets it before it is read)
        return entry

    def _after_end(self, handler: Handler[Any], event: Event, records: list[Record]) -> None:
        """Record a fact reported after the deal ended; the final state does not change.

        It is still refused if it is wrong for another reason than the end itself (an
        unknown party or obligation, say). A neutral event (a report, statement, incident
        or finding) is put on record as before the end, and marked as after it too.
        """
        if handler.neutral:  # put on record as before the end: it changes no state
            handler.check(self, event)
            handler.commit(self, event, records)
        else:
            try:
                handler.check(self, event)
            except EventRejected as exc:
                if exc.code not in ("deal-ended", "not-in-force"):
                    raise
        records.append(AfterEnd(event.day, event.TYPE, event.describe()))

    @property
    def after_end(self) -> list[AfterEnd]:
        """The facts recorded after the deal ended, in order."""
        return [r for e in self.log for r in e.records if isinstance(r, AfterEnd)]

    def _handler(self, event: Event) -> Handler[Any]:
        return handler_for(self, event)

    def apply_all(self, events: Iterable[Event]) -> Run:
        """Apply events in order (stops at the first refusal, which raises)."""
        for event in events:
            self.apply(event)
        return self

    def check(self, event: Event) -> str | None:
        """Dry run: None if ``event`` could be applied now, else the reason it would be refused.

        The run is left exactly as it was, whatever happens (see :meth:`refusal` for the
        refusal itself, with its code).
        """
        refusal = self.refusal(event)
        return None if refusal is None else refusal.reason

    def refusal(self, event: Event) -> EventRejected | None:
        """Dry run: None if ``event`` could be applied now, else the refusal it would raise."""
        try:
            handler = self._handler(event)
        except EventRejected as exc:
            return exc
        undo = self._undo_record()
        try:
            if self._deadlines and self._deadlines[0][0] < event.day:
                advance(self, event.day, [])
            if self.state in TERMINAL and type(event) is not ClockAdvanced:
                self._after_end(handler, event, [])
            else:
                handler.check(self, event)
        except EventRejected as exc:
            return exc
        finally:
            self._undo(undo)
        return None  # mutate: skip[drop] (falling off the end returns None too)

    def can_apply(self, event: Event) -> bool:
        return self.refusal(event) is None

    def advance_to(self, day: int) -> LogEntry:
        """Move the clock to ``day`` (shorthand for applying ClockAdvanced(day))."""
        return self.apply(ClockAdvanced(day))

    # -- copying ---------------------------------------------------------------------
    def fork(self) -> Run:
        """An independent copy: changing one never touches the other."""
        new = Run.__new__(Run)
        new.deal = self.deal
        new._machine = self._machine
        for name, value in zip(_RUN_SCALARS, _get_scalars(self), strict=True):
            setattr(new, name, value)
        new.negotiating = self.negotiating.copy()
        new.agreed = self.agreed.copy()
        # ledger entries and allegations are shared: each run copies one before changing it
        new.ledger = self.ledger.copy()
        new._owned = set()
        self._owned = set()
        new.allegations = self.allegations.copy()
        new._noted = self._noted.copy()
        new._noted_index = None
        new._owned_allegations = set()
        self._owned_allegations = set()
        new.log = self.log.copy()
        new.history = self.history.copy()
        new._deadlines = self._deadlines.copy()
        new._journal = None
        new._shared = False  # mutate: skip (every event sets it before it is read)
        return new

    # What applying an event can change, and how to put it back: scalars, the sets of
    # talks and agreements, appended history/log/allegations, the deadline heap, and
    # the ledger entries and allegations it writes (saved as they are first touched).
    def _undo_record(self) -> tuple[Any, ...]:
        self._journal = {}
        self._shared = True  # the sets and the deadline heap are saved by reference...
        return (_get_scalars(self), self.negotiating, self.agreed,
                len(self.history), len(self.log), len(self.allegations), len(self._noted),
                self._deadlines)

    def _own_mutables(self) -> None:
        """...so they are copied before the first change an event makes to them."""
        if self._shared:
            self.negotiating = self.negotiating.copy()
            self.agreed = self.agreed.copy()
            self._deadlines = self._deadlines.copy()
            self._shared = False

    def _writable(self, entry: LedgerEntry) -> LedgerEntry:
        """The entry to change in place: this run's own copy (copy-on-write after a fork),
        its state saved first while an event is being applied (see _undo_record)."""
        oid = entry.obligation.id
        journal = self._journal
        if oid not in self._owned:
            if journal is not None and oid not in journal:
                journal[oid] = (entry, None)  # the shared original: put back on undo
            self.ledger[oid] = entry = entry.copy()
            self._owned.add(oid)
        elif journal is not None and oid not in journal:
            journal[oid] = (entry, entry.snapshot())
        return entry

    def _writable_allegation(self, allegation_id: str) -> Allegation:
        """The allegation to change in place (copied first if shared with a fork)."""
        index = int(allegation_id[1:]) - 1
        allegation = self.allegations[index]
        key = f"allegation:{allegation_id}"
        journal = self._journal
        if allegation_id not in self._owned_allegations:
            # journal is never None here: allegations change only while an event applies
            if journal is not None and key not in journal:  # mutate: skip[swap] (see above)
                journal[key] = (allegation, None)
            self.allegations[index] = allegation = allegation.copy()
            self._owned_allegations.add(allegation_id)
        # unreachable today: once its own, a run never changes an allegation again (its
        # ruling is the one change an allegation takes); kept for the day one does
        elif journal is not None and key not in journal:  # mutate: skip (unreachable)
            journal[key] = (allegation, allegation.copy())  # mutate: skip (unreachable)
        return allegation

    def _undo(self, record: tuple[Any, ...]) -> None:
        scalars, negotiating, agreed, history, log, allegations, noted, deadlines = record
        for name, value in zip(_RUN_SCALARS, scalars, strict=True):
            setattr(self, name, value)
        self.negotiating = negotiating
        self.agreed = agreed
        del self.history[history:]
        del self.log[log:]
        del self.allegations[allegations:]
        if noted < len(self._noted):
            del self._noted[noted:]
            self._noted_index = None
        self._deadlines = deadlines
        for key, (original, saved) in (self._journal or {}).items():
            if key.startswith("allegation:"):
                aid = key.split(":", 1)[1]
                index = int(aid[1:]) - 1
                # a guard: an allegation an event changes existed before it, so it is
                # never among those the undo just removed
                if index >= len(self.allegations):  # mutate: skip[flip] (see above)
                    continue  # mutate: skip (unreachable, see above)
                if saved is None:
                    self.allegations[index] = original
                    self._owned_allegations.discard(aid)
                else:
                    original.restore(saved)
            elif saved is None:
                self.ledger[key] = original
                self._owned.discard(key)
            else:
                original.restore(saved)
        # the journal is read only while an event is applied, and _undo_record replaces it
        # before that: dropping this keeps the spent journal alive until the next event
        self._journal = None  # mutate: skip[drop] (see above)
        self._shared = False  # mutate: skip (every event sets it before it is read)

    # -- saving ----------------------------------------------------------------------
    def to_dict(self, include_deal: bool = True) -> dict[str, Any]:
        """Everything needed to restore this run exactly (see :meth:`from_dict`)."""
        return persist.run_to_dict(self, include_deal)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any], deal: Deal | None = None) -> Run:
        """Restore a run saved by :meth:`to_dict`; the restored run continues identically."""
        return persist.load_run(cls, data, deal)

    @classmethod
    def from_json(cls, text: str | bytes, deal: Deal | None = None, name: str = "saved run",
                  ) -> Run:
        """Restore a run from :meth:`to_json` text; bad JSON is an ``InputError``."""
        return cls.from_dict(persist.parse_json(text, name), deal)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Run:
        """Restore a run saved by :meth:`save` (a regular file within the size limit)."""
        source = Source("run", str(path), Path(path))
        return cls.from_json(read_source(source), name=str(path))

    def __repr__(self) -> str:
        return f"<Run {self.deal.id} day {self.day} {self.state}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter shows the run over its deal's diagram (text when no renderer is installed)."""
        return _display.mimebundle(self)


def start(deal: Deal) -> Run:
    """A new run of ``deal`` at day 0, not yet in force (it takes effect on day 1)."""
    return Run(deal)


def replay(deal: Deal, events: Iterable[Event]) -> Run:
    """A new run with ``events`` applied in order (raises at the first refusal)."""
    return Run(deal).apply_all(events)

