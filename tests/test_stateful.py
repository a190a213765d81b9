"""Stateful property test: arbitrary event streams on the Gaza deal and on generated deals.

Invariants: phases are entered in order and never skipped; the clock never goes back;
forks are independent of the run they came from;
progress is never negative nor beyond what the definition allows; terminal states stay
terminal; a refused event leaves the run unchanged; replaying the accepted events gives
the same run; save and restore round-trips.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from dealmodel import Deal, EventRejected, Run, builtin_deal, replay, start
from dealmodel.engine.ledger import TERMINAL
from dealmodel.engine.records import Amendment, Performance, Violated
from dealmodel.model.obligations import ObligationStatus
from tests.strategies import deals, events_for


class DealRun(RuleBasedStateMachine):
    deal: Deal
    run: Run

    def __init__(self) -> None:
        super().__init__()
        self.days: list[int] = []
        self.terminal_state: str | None = None
        self.refusals = 0
        self.forks: list[tuple[Run, dict[str, Any]]] = []

    @initialize(deal=st.one_of(st.just("gaza"), deals()))
    def begin(self, deal: Any) -> None:
        self.deal = builtin_deal("gaza-2025") if deal == "gaza" else deal
        self.run = start(self.deal)

    @rule(data=st.data())
    def apply_event(self, data: st.DataObject) -> None:
        event = data.draw(events_for(self.deal, self.run.day))
        before = self.run.to_dict(include_deal=False)
        verdict = self.run.check(event)
        assert self.run.to_dict(include_deal=False) == before, "a dry run changed the run"
        try:
            self.run.apply(event)
        except EventRejected as exc:
            self.refusals += 1
            assert verdict == exc.reason, (verdict, exc.reason)
            assert self.run.to_dict(include_deal=False) == before, "a refused event changed the run"
        else:
            assert verdict is None, verdict
        self.days.append(self.run.day)

    @rule(data=st.data())
    def fork_and_diverge(self, data: st.DataObject) -> None:
        """A fork is independent: events applied to either never reach the other."""
        fork = self.run.fork()
        self.forks.append((fork, fork.to_dict(include_deal=False)))
        for _ in range(data.draw(st.integers(0, 3))):
            other = self.run.fork()
            with contextlib.suppress(EventRejected):
                other.apply(data.draw(events_for(self.deal, other.day)))

    @invariant()
    def forks_stay_as_they_were(self) -> None:
        for fork, snapshot in self.forks:
            assert fork.to_dict(include_deal=False) == snapshot

    @invariant()
    def clock_never_goes_back(self) -> None:
        assert self.days == sorted(self.days)

    @invariant()
    def phases_in_order_never_skipped(self) -> None:
        order = {p.id: i for i, p in enumerate(self.deal.phases)}
        seen = [order[s.split(":")[0]] for s, _ in self.run.history if s.split(":")[0] in order]
        if seen:
            assert seen[0] == 0
        for earlier, later in itertools.pairwise(seen):
            assert later in (earlier, earlier + 1), self.run.history
        entered = [d for _, d in self.run.history]
        assert entered == sorted(entered)

    @invariant()
    def progress_within_bounds(self) -> None:
        """Progress is never negative; beyond what is owed only where the cap is not
        strict (the rest is surplus); an act's parts are each done at most once."""
        for entry in self.run.ledger.values():
            ob = entry.obligation
            assert entry.progress >= 0
            if ob.strict and entry.target is not None:
                assert entry.progress <= entry.target, entry.to_dict()
            if ob.strict and ob.reciprocal and entry.target is None:
                owed = self.run.owed(entry)
                assert owed is not None and entry.progress <= owed
            if ob.parts and ob.kind.value == "act":
                assert set(entry.parts_done.values()) <= {1}

    @invariant()
    def totals_equal_the_sum_of_performances(self) -> None:
        """Progress is the sum of the performance records, of what each actor performed,
        and (where the duty has named parts) of its parts."""
        for entry in self.run.ledger.values():
            performed = sum(r.quantity for r in entry.history if isinstance(r, Performance))
            assert entry.progress == performed == sum(entry.performed_by.values())
            if entry.obligation.parts:  # an act's parts are all named; a quantity's may be
                assert sum(entry.parts_done.values()) <= entry.progress
                if entry.obligation.kind.value == "act":
                    assert sum(entry.parts_done.values()) == entry.progress

    @invariant()
    def breach_and_fulfilment_days_are_kept(self) -> None:
        """A late fulfilment keeps its violation day; an on-time one has none; every
        breach status has a violation day, set by a record of that day."""
        for entry in self.run.ledger.values():
            status = entry.status
            if status is ObligationStatus.FULFILLED_LATE:
                assert entry.violated_day is not None and entry.fulfilled_day is not None
                assert entry.violated_day <= entry.fulfilled_day
            elif status is ObligationStatus.FULFILLED:  # on time (or as amended)
                assert entry.fulfilled_day is not None
                assert entry.violated_day is None or any(
                    isinstance(r, Amendment) for r in entry.history)
            if status.breached:
                assert entry.violated_day is not None
            if entry.violated_day is not None:
                first = next(r for r in entry.history if isinstance(r, Violated))
                assert first.day == entry.violated_day

    @invariant()
    def terminal_stays_terminal(self) -> None:
        if self.terminal_state is not None:
            assert self.run.state == self.terminal_state
        elif self.run.state in TERMINAL:
            self.terminal_state = self.run.state

    @invariant()
    def replay_gives_the_same_run(self) -> None:
        again = replay(self.deal, self.run.events())
        assert again.to_dict(include_deal=False) == self.run.to_dict(include_deal=False)

    @invariant()
    def save_restore_round_trips(self) -> None:
        data = self.run.to_dict()
        assert Run.from_dict(data).to_dict() == data


DealRun.TestCase.settings = settings(
    max_examples=150, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDealRun = DealRun.TestCase
