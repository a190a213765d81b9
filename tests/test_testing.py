"""dealmodel.testing: the strategies and the state machine users get, run on real deals;
coverage of the generated runs is measured with hypothesis event() and asserted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings

from dealmodel import builtin_deal, load_deal, replay
from dealmodel.analysis.verify_invariants import state_violations
from dealmodel.scenarios.scenario import Scenario
from dealmodel.testing import (
    ENDINGS,
    STATE_KINDS,
    DealStateMachine,
    deals,
    events,
    scenarios,
    state_kinds,
)

DATA = Path(__file__).parent / "data"
GAZA = builtin_deal("gaza-2025")
TRUCE = load_deal(DATA / "truce-2phase.yaml")
RUNS = 500


class GazaMachine(DealStateMachine):
    deal = GAZA


GazaMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30,
                                         deadline=None, suppress_health_check=list(HealthCheck))
TestGazaMachine = GazaMachine.TestCase
TruceMachine = DealStateMachine.for_deal(TRUCE)
TruceMachine.TestCase.settings = GazaMachine.TestCase.settings
TestTruceMachine = TruceMachine.TestCase


def _coverage(deal: object, kinds: list[str]) -> Counter[str]:
    seen: Counter[str] = Counter()

    @settings(max_examples=RUNS, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(scenarios(deal, max_events=60))  # type: ignore[arg-type]
    def generated(scenario: Scenario) -> None:
        run = replay(scenario.deal, scenario.events)
        for kind in state_kinds(run):
            event(f"reached: {kind}")
            seen[kind] += 1
        assert not [v for v in state_violations(run) if v[0] != "no-active-after-end"]

    generated()
    return seen


EVERY_ENDING = load_deal(DATA / "every-ending.yaml")
#: per deal, the state kinds and endings its clauses allow (Gaza and the truce have no
#: power to terminate and no phase that expires; every-ending.yaml has all of them)
REACHABLE = {
    "gaza-2025": (GAZA, ["pending", "in a phase", "limbo", "suspended", "upheld ruling",
                         "concluded", "lapsed", "collapsed"]),
    "truce-2phase": (TRUCE, ["pending", "in a phase", "extended", "suspended", "upheld ruling",
                             "concluded", "lapsed", "collapsed"]),
    "every-ending": (EVERY_ENDING, [*STATE_KINDS, *ENDINGS]),
}


def test_every_state_kind_and_ending_is_asserted() -> None:
    asserted = {kind for _, kinds in REACHABLE.values() for kind in kinds}
    assert asserted == {*STATE_KINDS, *ENDINGS}
    assert set(ENDINGS) == {"concluded", "expired", "lapsed", "terminated", "collapsed"}


@pytest.mark.parametrize("name", sorted(REACHABLE))
def test_generated_runs_reach_every_state_kind_and_ending(name: str) -> None:
    deal, kinds = REACHABLE[name]
    seen = _coverage(deal, kinds)
    shares = {kind: seen[kind] / RUNS for kind in kinds}
    print("coverage:", name, {k: f"{v:.0%}" for k, v in shares.items()})
    low = {k: v for k, v in shares.items() if v < 0.05}
    assert not low, f"reached in fewer than 5% of {RUNS} generated runs: {low}"


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(deal=deals(), data=__import__("hypothesis").strategies.data())
def test_strategies_work_on_generated_deals(deal: object, data: object) -> None:
    one = data.draw(events(deal))  # type: ignore[attr-defined]
    assert one.day >= 0
    scenario = data.draw(scenarios(deal, max_events=10))  # type: ignore[attr-defined]
    replay(scenario.deal, scenario.events)  # a drawn timeline replays without refusal


def test_a_failing_invariant_prints_a_scenario() -> None:
    class Strict(DealStateMachine):
        deal = GAZA
        tolerate = frozenset()

    machine = Strict()
    machine.begin()
    # corrupt the run behind the engine's back: its own copy of the entry (a new run shares
    # the deal's pristine entries, and changing those would corrupt every later run)
    machine.run._writable(machine.run.ledger["p1_hostages"]).progress = 5
    with pytest.raises(AssertionError) as caught:
        machine.built_in_invariants()
    assert "totals-sum" in str(caught.value)
    assert "deal: gaza-2025" in str(caught.value) and "events:" in str(caught.value)
