"""The lifecycle machine's lean transitions classes behave like the library's own.

``LifecycleMachine`` swaps in its own state, transition and event classes through
``transitions``' extension points. These tests run the same toy machine, with every
kind of callback, on both it and a stock ``transitions.Machine`` and compare what
happened, in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transitions import Machine, MachineError

from dealmodel import (
    ClockAdvanced,
    Deal,
    Event,
    EventRejected,
    Extended,
    NegotiationsOpened,
    Run,
    builtin_deal,
    load_deal,
    load_scenario,
)
from dealmodel._machine import Lifecycle, LifecycleMachine
from tests.conftest import ROOT
from tests.strategies import deals, events_for


class Model:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls
        self.allow = True


def build(cls: type[Machine], calls: list[str], **options: Any) -> tuple[Machine, Model]:
    model = Model(calls)

    def note(label: str) -> Any:
        return lambda event: calls.append(f"{label}:{event.model.state}")

    states = [
        {"name": "a", "on_exit": [note("exit-a")]},
        {"name": "b", "on_enter": [note("enter-b")], "on_exit": [note("exit-b")]},
        {"name": "c", "on_enter": [note("enter-c")], "final": True},
    ]
    transitions = [
        {"trigger": "go", "source": "a", "dest": "b", "conditions": [lambda e: e.model.allow],
         "prepare": [note("prepare")], "before": [note("before")], "after": [note("after")]},
        {"trigger": "go", "source": "a", "dest": "c"},  # tried when the first is refused
        {"trigger": "finish", "source": "b", "dest": "c", "unless": [lambda e: not e.model.allow]},
        {"trigger": "stay", "source": "b", "dest": None, "after": [note("internal")]},
    ]
    machine = cls(model=None, states=states, transitions=transitions, initial="a",
                  auto_transitions=False, send_event=True,
                  before_state_change=[note("machine-before")],
                  after_state_change=[note("machine-after")],
                  on_final=[note("final")], **options)
    model.state = "a"
    return machine, model


SCRIPTS = [
    [("go", True), ("stay", True), ("finish", True)],
    [("go", False)],  # the guard refuses: the second "go" transition is taken
    [("go", True), ("finish", False)],  # "unless" blocks the way
]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("options", [{}, {"queued": True}])
def test_lean_classes_match_stock_transitions(script: list[tuple[str, bool]],
                                              options: dict[str, Any]) -> None:
    results = []
    for cls in (Machine, LifecycleMachine):
        calls: list[str] = []
        machine, model = build(cls, calls, **options)
        returned = []
        for trigger, allow in script:
            model.allow = allow
            returned.append(machine.events[trigger].trigger(model))
            calls.append(f"state={model.state}")
        results.append((calls, returned))
    assert results[0] == results[1]
    assert results[0][0]  # the script did record callbacks


def test_invalid_trigger_raises_like_stock_transitions() -> None:
    for cls in (Machine, LifecycleMachine):
        machine, model = build(cls, [])
        with pytest.raises(MachineError, match="Can't trigger event finish from state a"):
            machine.events["finish"].trigger(model)
        assert model.state == "a"


def _differential(deal: Deal, events: Iterable[Event]) -> None:
    """Apply ``events`` to a run on the lean machine and to one on a stock
    ``transitions.Machine`` built from the same transitions: the same refusals, and the
    same run after every event."""
    lean, stock = Run(deal), Run(deal)
    stock._machine = Lifecycle(deal, machine_cls=Machine)
    assert type(lean._machine.machine) is LifecycleMachine
    for event in events:
        verdicts = []
        for run in (lean, stock):
            try:
                run.apply(event)
            except EventRejected as exc:
                verdicts.append(exc.reason)
            else:
                verdicts.append(None)
        assert verdicts[0] == verdicts[1], event
        assert lean.to_dict(include_deal=False) == stock.to_dict(include_deal=False), event


def _timelines() -> list[Any]:
    scenario = load_scenario(ROOT / "examples" / "gaza-2025-whatif.yaml")
    gaza = scenario.deal
    cases = [pytest.param(gaza, scenario.events, id="gaza-as-reported"),
             pytest.param(gaza, [ClockAdvanced(60)], id="gaza-lapses-without-talks")]
    cases += [pytest.param(v.deal, v.events, id=f"gaza-{v.name}") for v in scenario.variants()]
    truce = load_deal(ROOT / "tests" / "data" / "truce-2phase.yaml")
    truce_events = [NegotiationsOpened(2, phase=truce.phases[1].id),
                    Extended(truce.phases[0].duration_days or 1, by=truce.mediators[0].id,
                             days=1),
                    ClockAdvanced(40)]
    cases.append(pytest.param(truce, truce_events, id="truce-extended-then-expires"))
    return cases


@pytest.mark.parametrize(("deal", "events"), _timelines())
def test_example_timelines_match_a_stock_transitions_machine(deal: Deal,
                                                             events: list[Event]) -> None:
    _differential(deal, events)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal=st.one_of(st.just("gaza"), deals()), data=st.data())
def test_runs_match_a_stock_transitions_machine(deal: Any, data: st.DataObject) -> None:
    """Generated event streams spread over 60 days, so phases expire, on both machines."""
    deal = builtin_deal("gaza-2025") if deal == "gaza" else deal
    events = [data.draw(events_for(deal, day)) for day in range(0, 60, 3)]
    _differential(deal, sorted(events, key=lambda e: e.day))
