"""A lean run over a compiled deal: the engine's semantics on integer tables.

:class:`LeanRun` applies the events a simulation draws - perform (by an obligor),
negotiations opened / ended / agreed, suspend and resume (one obligation or all of a
party's performance), allege, rule, hostilities resumed, and the clock with its
deadlines - with the same effects as :class:`~dealmodel.engine.Run` on the lifecycle
state, every duty's status (the rules of ``engine/duties.py``: a deadline judges,
breaches are violated or partially fulfilled, a fulfilment after a breach is late, a
suspended duty keeps the breach found meanwhile) and the allegations, in the same order.
It keeps no log, no undo journal and no explanations, and it does not check events: it
is fed only events the engine accepts (the simulator builds them so; the differential
tests filter generated streams through the engine). Deals with features simulation does
not model are refused earlier (see
:func:`~dealmodel.analysis.montecarlo_table.simulation_problems`).

States, obligations and phases are small integers (see
:mod:`~dealmodel.analysis.montecarlo_table`); the lifecycle is a table lookup.
"""

from __future__ import annotations

import heapq

from dealmodel.analysis import montecarlo_queries as queries
from dealmodel.analysis.montecarlo_table import (
    ACTIVE,
    ADVANCE,
    BREACHED,
    COLLAPSE,
    CONCLUDE,
    DISCHARGED,
    DISMISSED,
    ENTER_FORCE,
    EXPIRE,
    FULFILLED,
    FULFILLED_LATE,
    LAPSE,
    LIMBO,
    LIMBO_STATE,
    NO_STATE,
    ONGOING,
    OPEN,
    OPEN_DUTY,
    PARTIAL,
    PENDING,
    RESUME,
    SETTLED,
    SUSPEND,
    SUSPENDED,
    SUSPENDED_STATE,
    TERMINAL_STATE,
    UPHELD,
    VIOLATED,
    WITHHELD,
    CompiledDeal,
)
from dealmodel.model.phases import ExpiryRule

__all__ = ["LeanRun"]

# deadline kinds, ordered as the engine orders a day's work
_MILESTONE, _EXPIRY, _ENTRY = 0, 1, 2
_CWN, _HOLD, _EXPIRE = (ExpiryRule.CONTINUE_WHILE_NEGOTIATING, ExpiryRule.HOLD,
                        ExpiryRule.EXPIRE)


class LeanRun:
    """One run of a compiled deal. Attributes are read directly by the simulator."""

    __slots__ = (
        "agreed", "allegations", "cd", "day", "deadlines", "due_day", "expiry_deferred",
        "fulfilled_day", "held", "history", "marks", "milestones", "negotiating",
        "ob_suspended_by", "phase_end", "phase_entered", "phase_index", "progress", "seq",
        "state", "status", "suspended_by", "suspended_from", "target", "violated_day",
    )

    def __init__(self, cd: CompiledDeal) -> None:
        self.cd = cd
        self.state = 0  # pending
        self.day = 0
        self.phase_index = -1
        self.phase_entered = 0
        self.phase_end: int | None = None
        self.suspended_from = NO_STATE
        self.suspended_by: str | None = None
        self.expiry_deferred = False
        self.negotiating: set[int] = set()
        self.agreed: set[int] = set()
        count = len(cd.ob_ids)
        self.status = [PENDING] * count
        self.held = [-1] * count  # the status a suspended duty returns to (-1: none)
        self.progress = [0] * count
        self.target = list(cd.ob_target)
        self.due_day: list[int | None] = [None] * count
        self.milestones: list[tuple[tuple[int, int], ...]] = [()] * count
        self.violated_day: list[int | None] = [None] * count
        self.fulfilled_day: list[int | None] = [None] * count
        self.ob_suspended_by: list[str | None] = [None] * count
        #: [against party, obligation index or -1, OPEN/UPHELD/DISMISSED]
        self.allegations: list[list[object]] = []
        self.history: list[tuple[int, int]] = [(0, 0)]
        self.deadlines: list[tuple[int, int, int, int]] = [(0, _ENTRY, 0, -1)]
        self.seq = 1
        #: bumped whenever a duty's status may change a count the simulator watches
        #: (breaches, suspensions), so that a caller can tell cheaply
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

    def current(self, ob: int) -> int:
        """A duty's standing, looking through a suspension."""
        status = self.status[ob]
        if status in (SUSPENDED, WITHHELD) and self.held[ob] >= 0:
            return self.held[ob]
        return status

    def phase_ready(self, index: int) -> bool:
        if self.cd.requires_agreement[index] and index not in self.agreed:
            return False
        condition = self.cd.deal.phases[index].entry_condition
        return condition is None or condition.evaluate(self)

    # ConditionContext (the same answers as the engine's queries; see montecarlo_queries)
    def variable(self, name: str) -> int | str | bool:
        return queries.variable(self, name)

    def call(self, name: str, args: tuple[str, ...]) -> int | str | bool:
        return queries.call(self, name, args)

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
                self._judge(ref, due)
                if self.phase_end is None:
                    self._conclude_if_settled()
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
            elif cd.ob_at_end[ob]:
                due_day[ob] = self.phase_end  # judged when the phase expires
        if self.phase_end is not None:
            self._push(self.phase_end, _EXPIRY, index)

    # -- duties (engine/duties.py) ---------------------------------------------------------
    def _fulfil(self, ob: int, day: int) -> None:
        self.status[ob] = FULFILLED_LATE if self.violated_day[ob] is not None else FULFILLED
        self.held[ob] = -1
        self.fulfilled_day[ob] = day

    def _violate(self, ob: int, day: int, partial: bool) -> None:
        self.marks += 1
        breach = PARTIAL if partial else VIOLATED
        status = self.status[ob]
        if status in (SUSPENDED, WITHHELD):
            self.held[ob] = breach
        else:
            self.status[ob] = breach
        if self.violated_day[ob] is None:
            self.violated_day[ob] = day

    def _judge(self, ob: int, due: int) -> None:
        standing = self.current(ob)
        if standing != ACTIVE and standing not in BREACHED:
            return  # pending, settled: a stale deadline
        needed: int | None = None
        for day, cumulative in self.milestones[ob]:
            if day == due:
                needed = cumulative
                break
        else:
            if due != self.due_day[ob]:
                return
            needed = self.owed(ob)
        if needed is None:
            return  # ongoing duties and prohibitions have no amount to judge
        progress = self.progress[ob]
        if progress < needed:
            partial = progress > 0
            if standing == (PARTIAL if partial else VIOLATED):
                return  # the same breach, judged already
            self._violate(ob, due, partial)
        elif due == self.due_day[ob] and self.status[ob] not in (SUSPENDED, WITHHELD):
            self._fulfil(ob, due)

    def _performed(self, ob: int, day: int) -> None:
        """After a performance: fulfil the duty if it now holds all it owes."""
        cd = self.cd
        target = self.target[ob]
        if (target is None or cd.ob_reciprocal[ob] or cd.ob_kind[ob] == ONGOING
                or self.progress[ob] < target):
            return
        status = self.status[ob]
        if status == ACTIVE or status in BREACHED:
            self._fulfil(ob, day)
            if self.phase_end is None:
                self._conclude_if_settled()

    # -- the phase lifecycle (engine/clock.py) ----------------------------------------------
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
                    self._judge(ob, end)
        row = cd.table[state]
        rule = cd.rules[index]
        if index + 1 < len(cd.durations):
            if row[ADVANCE] != NO_STATE and self.phase_ready(index + 1):
                self._close_phase(index)
                self._enter(index + 1)
            elif row[LIMBO] != NO_STATE and (
                    rule is _HOLD or (rule is _CWN and index + 1 in self.negotiating)):
                self._fire(LIMBO)
            elif rule is _EXPIRE:
                self._close_phase(index)
                self._end(EXPIRE)
            else:
                self._end(LAPSE)
        elif rule is _HOLD and row[LIMBO] != NO_STATE:
            self._fire(LIMBO)
        elif rule is _EXPIRE:
            self._close_phase(index)
            self._end(EXPIRE)
        elif row[CONCLUDE] != NO_STATE:
            self._close_phase(index)
            self._end(CONCLUDE)
        else:
            self._end(LAPSE)

    def _end(self, trigger: int) -> None:
        """End the deal (a transition into a terminal state); open duties are discharged."""
        self._fire(trigger)
        status = self.status
        for ob, value in enumerate(status):
            if value in OPEN_DUTY:
                status[ob] = DISCHARGED
        self.negotiating.clear()

    def _close_phase(self, index: int) -> None:
        self.marks += 1
        status = self.status
        for ob in self.cd.standing[index]:
            if status[ob] == ACTIVE:
                self._fulfil(ob, self.day)
            elif status[ob] in OPEN_DUTY:
                status[ob] = DISCHARGED

    def _conclude_if_settled(self) -> None:
        index = self.phase_index
        cd = self.cd
        if index < 0 or cd.table[self.state][CONCLUDE] == NO_STATE:
            return
        status = self.status
        settling = cd.settling[index]
        if settling and all(status[ob] in SETTLED for ob in settling):
            self._close_phase(index)
            self._end(CONCLUDE)

    def _in_limbo_for(self, phase: int) -> bool:
        index = self.phase_index
        return (index >= 0 and index + 1 == phase and phase < len(self.cd.durations)
                and self.cd.kind_of[self.state] == LIMBO_STATE)

    # -- events (each moves the clock first, as Run.apply does) ------------------------
    def perform(self, day: int, ob: int, quantity: int) -> None:
        self.clock(day)
        self.progress[ob] += quantity
        self._performed(ob, day)

    def open_talks(self, day: int, phase: int) -> None:
        self.clock(day)
        self.negotiating.add(phase)

    def end_talks(self, day: int, phase: int) -> None:
        self.clock(day)
        self.negotiating.discard(phase)
        if self._in_limbo_for(phase) and self.cd.rules[self.phase_index] is _CWN:
            self._end(LAPSE)

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
            self.held[ob] = status[ob]
            status[ob] = SUSPENDED
            self.ob_suspended_by[ob] = party
            return
        self.suspended_from = self.state
        self.suspended_by = party
        self._fire(SUSPEND)
        obligors = self.cd.ob_obligors
        for k, value in enumerate(status):
            if value == ACTIVE and party in obligors[k]:
                self.held[k] = ACTIVE
                status[k] = SUSPENDED
                self.ob_suspended_by[k] = party

    def resume(self, day: int, party: str, ob: int = -1) -> None:
        self.clock(day)
        self.marks += 1
        status = self.status
        if ob >= 0:
            status[ob] = self.current(ob)
            self.held[ob] = -1
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
                status[k] = self.current(k)
                self.held[k] = -1
                by[k] = None
        if self.expiry_deferred:
            self.expiry_deferred = False
            self._expire()
        elif (self.phase_index + 1 < len(self.cd.durations)
              and self.cd.kind_of[back] == LIMBO_STATE
              and self.phase_ready(self.phase_index + 1)):
            self._close_phase(self.phase_index)  # agreed while suspended in limbo
            self._enter(self.phase_index + 1)
        elif (self.phase_index + 1 < len(self.cd.durations)
              and self.cd.kind_of[back] == LIMBO_STATE
              and self.cd.rules[self.phase_index] is _CWN
              and self.phase_index + 1 not in self.negotiating
              and self.phase_index + 1 not in self.agreed):
            self._end(LAPSE)  # talks ended while the limbo was suspended
        elif self.phase_end is None:  # an open-ended last phase settled while suspended
            self._conclude_if_settled()

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
        if upheld and isinstance(ob, int) and ob >= 0 and self.current(ob) != VIOLATED:
            self._violate(ob, day, False)

    def collapse(self, day: int) -> None:
        self.clock(day)
        self._end(COLLAPSE)
