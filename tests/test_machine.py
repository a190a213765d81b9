"""The lifecycle machine's lean transitions classes behave like the library's own.

``LifecycleMachine`` swaps in its own state, transition and event classes through
``transitions``' extension points. These tests run the same toy machine, with every
kind of callback, on both it and a stock ``transitions.Machine`` and compare what
happened, in order.
"""

from __future__ import annotations

from typing import Any

import pytest
from transitions import Machine, MachineError

from dealmodel._machine import LifecycleMachine


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
