"""A lean run over a compiled deal: the engine's semantics on integer tables.

:class:`LeanRun` applies the same events as :class:`~dealmodel.engine.Run` - perform,
negotiations opened / ended / agreed, suspend and resume (one obligation or all of a
party's performance), extend, allege, rule, hostilities resumed, and the clock with its
deadlines - with the same effects on the lifecycle state, the ledger and allegations,
in the same order. It keeps no log, no undo journal and no explanations, and it does
not check events: it is fed only events the engine would accept (the simulator builds
them so, and the differential tests filter generated streams through the engine).

States, obligations and phases are small integers (see
:mod:`~dealmodel.analysis.montecarlo_table`); the lifecycle is a table lookup.
"""

from __future__ import annotations

import heapq

from dealmodel.analysis.montecarlo_table import (
    ACT,
    ADVANCE,
    COLLAPSE,
    CONCLUDE,
    ENTER_FORCE,
    EXTEND,
    LAPSE,
    LIMBO,
    LIMBO_STATE,
    NO_STATE,
    ONGOING,
    RESUME,
    SUSPEND,
    SUSPENDED_STATE,
    TERMINAL_STATE,
    CompiledDeal,
)

__all__ = ["STATUS_NAMES", "LeanRun"]

# obligation statuses as small ints (names as ObligationStatus values)
PENDING, ACTIVE, SUSPENDED, FULFILLED, VIOLATED, DISCHARGED = range(6)
STATUS_NAMES = ("pending", "active", "suspended", "fulfilled", "violated", "discharged")
# deadline kinds, ordered as the engine orders a day's work
_MILESTONE, _EXPIRY, _ENTRY = 0, 1, 2
# allegation statuses
OPEN, UPHELD, DISMISSED = 0, 1, 2


class LeanRun:
    """One run of a compiled deal. Attributes are read directly by the simulator."""

    __slots__ = (
        "agreed", "allegations", "cd", "day", "deadlines", "done_day", "due_day",
        "expiry_deferred", "extended_days", "history", "late_day", "marks", "milestones",
        "negotiating", "ob_suspended_by", "phase_end", "phase_entered", "phase_index",
        "progress", "seq", "state", "status", "suspended_by", "suspended_from", "target",
        "violated_day",
    )

    def __init__(self, cd: CompiledDeal) -> None:
        self.cd = cd
        self.state = 0  # pending
        self.day = 0
        self.phase_index = -1
        self.phase_entered = 0
        self.phase_end: int | None = None
        self.extended_days = 0
        self.suspended_from = NO_STATE
        self.suspended_by: str | None = None
        self.expiry_deferred = False
        self.negotiating: set[int] = set()
        self.agreed: set[int] = set()
        count = len(cd.ob_ids)
        self.status = [PENDING] * count
        self.progress = [0] * count
        self.target = list(cd.ob_target)
        self.due_day: list[int | None] = [None] * count
        self.milestones: list[tuple[tuple[int, int], ...]] = [()] * count
        self.violated_day: list[int | None] = [None] * count
        self.done_day: list[int | None] = [None] * count  # first day it became fulfilled
        self.late_day: list[int | None] = [None] * count  # delivered in full after a violation
        self.ob_suspended_by: list[str | None] = [None] * count
        #: [against party, obligation index or -1, OPEN/UPHELD/DISMISSED]
        self.allegations: list[list[object]] = []
        self.history: list[tuple[int, int]] = [(0, 0)]
        self.deadlines: list[tuple[int, int, int, int]] = [(0, _ENTRY, 0, -1)]
        self.seq = 1
        #: bumped whenever an obligation is violated, suspended or resumed (so that a
        #: caller can tell cheaply that counts of those may have changed)
        self.marks = 0

    # -- reading ---------------------------------------------------------------------
    @property
    def terminal(self) -> bool:
        return self.cd.kind_of[self.state] == TERMINAL_STATE

    def owed(self, ob: int) -> int | None:
        recs = self.cd.ob_reciprocal[ob]
        if not recs:
            return self.target[ob]
        progress = self.progress
        owed = 0
        for per, ratio in recs:
            owed += ratio * progress[per]
        target = self.target[ob]
        return owed if target is None else min(owed, target)

    def phase_ready(self, index: int) -> bool:
        if self.cd.requires_agreement[index] and index not in self.agreed:
            return False
        condition = self.cd.deal.phases[index].entry_condition
        return condition is None or condition.evaluate(self)

    # ConditionContext (the same answers as Run.variable / Run.call)
    def variable(self, name: str) -> int | str | bool:
        if name == "day":
            return self.day
        if name == "phase_day":
            return self.day - self.phase_entered + 1 if self.phase_index >= 0 else 0
        return self.cd.states[self.state]

    def call(self, name: str, args: tuple[str, ...]) -> int | str | bool:
        cd = self.cd
        arg = args[0]
        if name in ("delivered", "released"):
            return sum(self.progress[k] for k, oid in enumerate(cd.ob_ids)
                       if oid == arg or cd.ob_unit[k] == arg)
        if name == "agreed":
            return cd.phase_ids.index(arg) in self.agreed
        if name == "negotiating":
            return cd.phase_ids.index(arg) in self.negotiating
        if name in ("allegations", "upheld"):
            return sum(1 for a in self.allegations
                       if a[0] == arg and (name == "allegations" or a[2] == UPHELD))
        ob = cd.ob_index[arg]
        if name == "progress":
            return self.progress[ob]
        if name == "target":
            return self.owed(ob) or 0
        if name == "status":
            return STATUS_NAMES[self.status[ob]]
        if name == "fulfilled":
            return self.status[ob] == FULFILLED
        return self.status[ob] == VIOLATED  # "violated"

    # -- the clock -------------------------------------------------------------------
    def clock(self, day: int) -> None:
        """Move to ``day`` as applying an event dated ``day`` does (deadlines first)."""
        deadlines = self.deadlines
        if deadlines and deadlines[0][0] < day:
            self.advance(day)
        else:
            self.day = day

    def advance(self, day: int) -> None:
        deadlines = self.deadlines
        kind_of = self.cd.kind_of
        while deadlines and deadlines[0][0] < day:
            if kind_of[self.state] == TERMINAL_STATE:
                deadlines.clear()
                break
            due, kind, _, ref = heapq.heappop(deadlines)
            self.day = due + 1
            if kind == _MILESTONE:
                self._check_deadline(ref, due)
            elif kind == _EXPIRY:
                if self.phase_end == due and self.phase_index == ref:
                    self._expire()
            else:
                self._enter(0)
        self.day = day

    def _push(self, day: int, kind: int, ref: int) -> None:
        heapq.heappush(self.deadlines, (day, kind, self.seq, ref))
        self.seq += 1

    def _set(self, state: int) -> None:
        self.state = state
        self.history.append((state, self.day))

    def _fire(self, trigger: int) -> None:
        """Take the lifecycle transition ``trigger`` (its guard has been checked)."""
        if trigger == RESUME:  # back to the state the deal was suspended from
            self._set(self.suspended_from)
        else:
            self._set(self.cd.table[self.state][trigger])

    def _enter(self, index: int) -> None:
        cd = self.cd
        self._fire(ENTER_FORCE if index == 0 else ADVANCE)
        self.phase_index = index
        day = self.day
        self.phase_entered = day
        self.extended_days = 0
        duration = cd.durations[index]
        self.phase_end = day + duration - 1 if duration is not None else None
        self.negotiating.discard(index)
        start = day - 1
        status, due_day = self.status, self.due_day
        for ob in cd.phase_obligations[index]:
            if status[ob] == PENDING:  # an upheld ruling before the phase began stands
                status[ob] = ACTIVE
            schedule = cd.ob_schedule[ob]
            if schedule:
                milestones = tuple((start + d, c) for d, c in schedule)
                self.milestones[ob] = milestones
                for d, _ in milestones:
                    self._push(d, _MILESTONE, ob)
                due_day[ob] = milestones[-1][0]
            elif cd.ob_due_day[ob] is not None:
                due = start + cd.ob_due_day[ob]  # type: ignore[operator]
                due_day[ob] = due
                self._push(due, _MILESTONE, ob)
            elif cd.ob_kind[ob] <= ACT:  # quantity or act: due by the end of the phase
                due_day[ob] = self.phase_end
        if self.phase_end is not None:
            self._push(self.phase_end, _EXPIRY, index)

    def _fulfil(self, ob: int, day: int) -> None:
        self.status[ob] = FULFILLED
        if self.done_day[ob] is None:
            self.done_day[ob] = day

    def _violate(self, ob: int, day: int) -> None:
        self.marks += 1
        self.status[ob] = VIOLATED
        if self.violated_day[ob] is None:
            self.violated_day[ob] = day

    def _check_deadline(self, ob: int, due: int) -> None:
        status = self.status[ob]
        if status != ACTIVE and status != SUSPENDED:
            return
        cd = self.cd
        progress = self.progress[ob]
        if cd.ob_kind[ob] == ACT:
            if progress < 1:
                self._violate(ob, due)
            return
        needed: int | None = None
        for day, cumulative in self.milestones[ob]:
            if day == due:
                needed = cumulative
                break
        else:
            needed = self.owed(ob) if cd.ob_reciprocal[ob] else self.target[ob]
        if needed is not None and progress < needed:
            self._violate(ob, due)
        elif due == self.due_day[ob] and cd.ob_reciprocal[ob]:
            self._fulfil(ob, due)

    def _expire(self) -> None:
        cd = self.cd
        state = self.state
        if cd.kind_of[state] == SUSPENDED_STATE:
            self.expiry_deferred = True
            return
        index = self.phase_index
        end = self.phase_end
        if end is not None:
            for ob in cd.due_at_end[index]:
                if self.due_day[ob] == end:
                    self._check_deadline(ob, end)
        row = cd.table[state]
        if index + 1 < len(cd.durations):
            if row[ADVANCE] != NO_STATE and self.phase_ready(index + 1):
                self._close_phase(index)
                self._enter(index + 1)
            elif row[LIMBO] != NO_STATE and index + 1 in self.negotiating:
                self._fire(LIMBO)
            else:
                self._fire(LAPSE)
                self._discharge()
        elif row[CONCLUDE] != NO_STATE:
            self._close_phase(index)
            self._fire(CONCLUDE)
            self._discharge()
        else:
            self._fire(LAPSE)
            self._discharge()

    def _close_phase(self, index: int) -> None:
        self.marks += 1
        status = self.status
        for ob in self.cd.standing[index]:
            if status[ob] == ACTIVE:
                self._fulfil(ob, self.day)
            elif status[ob] == SUSPENDED:
                status[ob] = DISCHARGED

    def _discharge(self) -> None:
        status = self.status
        for ob, value in enumerate(status):
            if value in (ACTIVE, SUSPENDED):
                status[ob] = DISCHARGED
        self.negotiating.clear()

    def _conclude_if_settled(self) -> None:
        index = self.phase_index
        cd = self.cd
        if index < 0 or cd.table[self.state][CONCLUDE] == NO_STATE:
            return
        status = self.status
        if all(status[ob] == FULFILLED or status[ob] == DISCHARGED
               for ob in cd.settling[index]):
            self._close_phase(index)
            self._fire(CONCLUDE)
            self._discharge()

    def _in_limbo_for(self, phase: int) -> bool:
        index = self.phase_index
        return (index >= 0 and index + 1 == phase and phase < len(self.cd.durations)
                and self.cd.kind_of[self.state] == LIMBO_STATE)

    # -- events (each moves the clock first, as Run.apply does) ------------------------
    def perform(self, day: int, ob: int, quantity: int) -> None:
        self.clock(day)
        progress = self.progress[ob] + quantity
        self.progress[ob] = progress
        status = self.status[ob]
        target = self.target[ob]
        if status == ACTIVE:
            if (target is not None and progress >= target
                    and self.cd.ob_kind[ob] != ONGOING):
                self._fulfil(ob, day)
                if self.phase_end is None:
                    self._conclude_if_settled()
        elif status == VIOLATED and self.late_day[ob] is None:
            owed = self.owed(ob)
            if owed is not None and progress >= owed:
                self.late_day[ob] = day

    def open_talks(self, day: int, phase: int) -> None:
        self.clock(day)
        self.negotiating.add(phase)

    def end_talks(self, day: int, phase: int) -> None:
        self.clock(day)
        self.negotiating.discard(phase)
        if self._in_limbo_for(phase):
            self._fire(LAPSE)
            self._discharge()

    def agree(self, day: int, phase: int) -> None:
        self.clock(day)
        self.negotiating.discard(phase)
        self.agreed.add(phase)
        if self._in_limbo_for(phase) and self.phase_ready(phase):
            self._close_phase(self.phase_index)
            self._enter(phase)

    def suspend(self, day: int, party: str, ob: int = -1) -> None:
        self.clock(day)
        self.marks += 1
        status = self.status
        if ob >= 0:
            status[ob] = SUSPENDED
            self.ob_suspended_by[ob] = party
            return
        self.suspended_from = self.state
        self.suspended_by = party
        self._fire(SUSPEND)
        obligor = self.cd.ob_obligor
        for k, value in enumerate(status):
            if value == ACTIVE and obligor[k] == party:
                status[k] = SUSPENDED
                self.ob_suspended_by[k] = party

    def resume(self, day: int, party: str, ob: int = -1) -> None:
        self.clock(day)
        self.marks += 1
        status = self.status
        if ob >= 0:
            status[ob] = ACTIVE
            self.ob_suspended_by[ob] = None
            return
        back = self.suspended_from
        assert back in self.cd.resume_to[self.state]
        self._fire(RESUME)
        self.suspended_from = NO_STATE
        self.suspended_by = None
        by = self.ob_suspended_by
        for k, value in enumerate(status):
            if value == SUSPENDED and by[k] == party:
                status[k] = ACTIVE
                by[k] = None
        if self.expiry_deferred:
            self.expiry_deferred = False
            self._expire()
        elif self.phase_index + 1 < len(self.cd.durations) \
                and self.cd.kind_of[back] == LIMBO_STATE \
                and self.phase_index + 1 not in self.negotiating:
            self._fire(LAPSE)  # talks ended while the limbo was suspended
            self._discharge()

    def extend(self, day: int, days: int) -> None:
        self.clock(day)
        cd = self.cd
        index = self.phase_index
        assert self.phase_end is not None
        self.extended_days += days
        self.phase_end += days
        self._fire(EXTEND)
        for ob, per_day in cd.extension_per_day[index]:
            self.target[ob] = (self.target[ob] or 0) + per_day * days
            if self.status[ob] == FULFILLED:
                self.status[ob] = ACTIVE
        for ob in cd.due_at_end[index]:
            if self.due_day[ob] is not None:
                self.due_day[ob] = self.phase_end
        self._push(self.phase_end, _EXPIRY, index)

    def allege(self, day: int, against: str, ob: int = -1) -> int:
        """Record an allegation; returns its index (the engine's id is ``A{index + 1}``)."""
        self.clock(day)
        self.allegations.append([against, ob, OPEN])
        return len(self.allegations) - 1

    def rule(self, day: int, allegation: int, upheld: bool) -> None:
        self.clock(day)
        record = self.allegations[allegation]
        record[2] = UPHELD if upheld else DISMISSED
        ob = record[1]
        if upheld and isinstance(ob, int) and ob >= 0 and self.status[ob] != VIOLATED:
            self._violate(ob, day)

    def collapse(self, day: int) -> None:
        self.clock(day)
        self._fire(COLLAPSE)
        self._discharge()
