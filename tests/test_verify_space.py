"""The explorer's abstraction (analysis/verify_space.py): which runs are one state, which
steps a slice follows, and that the shortcuts that only save time change nothing."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from dealmodel import builtin_deal, load_deal, load_scenario
from dealmodel.analysis import verify_space
from dealmodel.analysis.verify_explore import Exploration, explore
from dealmodel.analysis.verify_key import state_key
from dealmodel.analysis.verify_space import Plan, plans
from dealmodel.engine import replay
from dealmodel.model.deal import Deal
from tests.helpers import events_of

ROOT = Path(__file__).parent.parent
SEMANTICS = ROOT / "examples" / "semantics"

# a duty due two phases after its own ends (like Gaza's Philadelphi corridor, due on day
# 50 of a 42-day phase); each phase follows the last on its own
LATE_DUTY = """
id: late-duty
title: A duty due after its phase (hypothetical)
hypothetical: true
parties:
  - {id: a, name: Side A}
  - {id: b, name: Side B}
mediators:
  - {id: m, name: Mediator}
phases:
  - id: one
    duration_days: 5
    on_expiry: advance
    obligations:
      - {id: leave, obligor: a, due_day: 12, description: Leave by day 12}
      - {id: count, obligor: b, quantity: {amount: 10, unit: items},
         schedule: [{day: 2, cumulative: 3}, {day: 4, cumulative: 6},
                    {day: 5, cumulative: 10}],
         description: Deliver 10 items in three installments}
  - id: two
    duration_days: 3
    on_expiry: advance
    obligations:
      - {id: close, obligor: b, due_day: 2, description: Close the file}
  - id: three
    duration_days: 10
"""


def _deal(tmp_path: Path, text: str = LATE_DUTY, name: str = "deal.yaml") -> Deal:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_deal(path)


def _plan(deal: Deal, name: str) -> Plan:
    return next(p for p in plans(deal) if p.name == name)


def test_days_count_from_today_when_nothing_reads_the_day(tmp_path: Path) -> None:
    deal = _deal(tmp_path)
    plan = _plan(deal, "close")
    assert plan.relative_time
    # phase two begun on day 1 or on day 2 (phase one ended early): the same deadlines
    # ahead at the same distances
    early = replay(deal, events_of({"day": 1, "type": "advance"},
                                 {"day": 1, "type": "end_phase", "phase": "one"}))
    late = replay(deal, events_of({"day": 2, "type": "advance"},
                                {"day": 2, "type": "end_phase", "phase": "one"}))
    assert early.phase_id == late.phase_id == "two"
    assert early.ledger["close"].due_day != late.ledger["close"].due_day
    assert state_key(early, plan) == state_key(late, plan)
    # a day later in the same run is not the same state (a deadline is a day nearer)
    later = early.fork()
    later.apply(events_of({"day": 2, "type": "advance"})[0])
    assert state_key(early, plan) != state_key(later, plan)
    # nor for a slice that keeps phase one's duty, due on day 12 whenever phase two began
    assert state_key(early, _plan(deal, "leave")) != state_key(late, _plan(deal, "leave"))


def test_a_condition_on_the_day_keeps_days_absolute(tmp_path: Path) -> None:
    text = LATE_DUTY.replace("  - id: two\n", "  - id: two\n    entry_condition: 'day >= 1'\n")
    deal = _deal(tmp_path, text)
    plan = _plan(deal, "close")
    assert not plan.relative_time
    early = replay(deal, events_of({"day": 1, "type": "advance"},
                                 {"day": 1, "type": "end_phase", "phase": "one"}))
    late = replay(deal, events_of({"day": 2, "type": "advance"},
                                {"day": 2, "type": "end_phase", "phase": "one"}))
    assert early.phase_id == late.phase_id == "two"
    assert state_key(early, plan) != state_key(late, plan)


def test_a_breached_duty_is_told_apart_by_delivery_and_target_only(tmp_path: Path) -> None:
    deal = _deal(tmp_path)
    plan = _plan(deal, "count")
    start = events_of({"day": 1, "type": "advance"}, {"day": 3, "type": "advance"})
    breached = replay(deal, start)  # nothing delivered by day 2: breached
    assert breached.ledger["count"].violated_day == 2

    def after(quantity: int) -> tuple[object, ...]:
        run = breached.fork()
        run.apply(events_of({"day": 3, "type": "perform", "party": "b", "obligation": "count",
                           "quantity": quantity})[0])
        return state_key(run, plan)

    # 4 and 7 items: both partial, short of the target (the milestone of 6 in between
    # no longer matters: it can only find the same breach again)
    assert after(4) == after(7)
    assert after(7) != after(10)  # the target fulfils it late
    assert after(4) != state_key(breached, plan)  # something delivered, or nothing
    # on schedule, the milestones ahead still matter
    on_time = replay(deal, events_of({"day": 1, "type": "advance"}))

    def ahead(quantity: int) -> tuple[object, ...]:
        run = on_time.fork()
        run.apply(events_of({"day": 1, "type": "perform", "party": "b", "obligation": "count",
                           "quantity": quantity})[0])
        return state_key(run, plan)

    assert ahead(4) != ahead(7)


def test_ruled_allegations_leave_the_key_unless_counted(tmp_path: Path) -> None:
    deal = _deal(tmp_path)
    plan = _plan(deal, "leave")
    base = replay(deal, events_of({"day": 1, "type": "advance"}))
    ruled = replay(deal, events_of(
        {"day": 1, "type": "advance"},
        {"day": 1, "type": "allege", "by": "b", "against": "a"},
        {"day": 1, "type": "rule", "by": "m", "allegation": "A1", "upheld": False}))
    assert state_key(base, plan) == state_key(ruled, plan)
    counted = attrs.evolve(plan, general_allegations=True)  # a condition counts them
    assert state_key(base, counted) != state_key(ruled, counted)


def test_a_deadline_after_the_duty_s_phase_is_still_judged(tmp_path: Path) -> None:
    """The slice of a duty due after its phase ended follows the clock to its deadline,
    through the end of phase two (a step that does not change the duty) into phase
    three: the duty is violated by its deadline, and met, in some explored run."""
    # no mediator: nobody rules, so only the deadline can find the duty violated
    deal = _deal(tmp_path, LATE_DUTY.replace("mediators:\n  - {id: m, name: Mediator}\n", ""))
    assert not deal.mediators
    plan = _plan(deal, "leave")
    assert plan.focus == frozenset({"leave"}) and plan.focus_phase == 0
    found = explore(deal, plan, depth=40, max_states=50_000)
    assert found.exhausted
    assert "leave" in found.violated_at
    trace = found.violated_at["leave"]
    # the clock passed the end of phase one (day 5) and two (day 8) to the deadline
    assert max(e.day for e in trace) > 12
    assert all(e.TYPE == "advance" for e in trace)  # judged by the clock, not a ruling
    assert "leave" in found.fulfilled


def _same(one: Exploration, two: Exploration) -> None:
    assert (one.states, one.depth, one.exhausted) == (two.states, two.depth, two.exhausted)
    assert {k: [t.events for t in v] for k, v in one.findings.items()} == {
        k: [t.events for t in v] for k, v in two.findings.items()}
    assert one.reached == two.reached and one.fulfilled == two.fulfilled
    assert one.violated_at == two.violated_at


@pytest.mark.parametrize("source", ["gaza-2025", "termination-with-notice.yaml",
                                    "renewed-twice-then-objection.yaml"])
def test_the_refusal_cache_only_saves_time(source: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipping events refused for a reason that still holds explores the same states and
    finds the same things as trying every one."""
    deal = builtin_deal(source) if source == "gaza-2025" else load_scenario(
        SEMANTICS / source).deal
    chosen = plans(deal)[:3]
    cached = [explore(deal, p, 40, 3_000) for p in chosen]
    monkeypatch.setattr(verify_space, "STATIC_REFUSALS", frozenset())
    monkeypatch.setattr("dealmodel.analysis.verify_explore.STATIC_REFUSALS", frozenset())
    for plan, fast in zip(chosen, cached, strict=True):
        slow = explore(deal, plan, 40, 3_000)
        _same(fast, slow)
        assert slow.transitions == fast.transitions
